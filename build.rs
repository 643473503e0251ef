// The default theme is compiled into the binary (include_dir); rebuild when it changes.
fn main() {
    println!("cargo:rerun-if-changed=themes/default");
    println!("cargo:rerun-if-changed=scaffold");
}

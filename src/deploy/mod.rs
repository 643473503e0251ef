//! Deploy: compare the build's manifest with the target's, plan, then apply
//! (issue: deploy). Not written yet.

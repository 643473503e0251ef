// Live reload for `punchline serve`: reloads this page when a rebuild changed
// it, swaps stylesheets in place when only CSS changed, and shows build
// errors in an overlay until they are fixed.
(() => {
  "use strict";
  const here = () => {
    let p = decodeURIComponent(location.pathname);
    if (p.endsWith("/index.html")) p = p.slice(0, -"index.html".length);
    return p;
  };
  let overlay = null;
  const showErrors = (errors) => {
    if (!overlay) {
      overlay = document.createElement("div");
      overlay.id = "punchline-error-overlay";
      overlay.setAttribute("role", "alert");
      overlay.style.cssText = "position:fixed;inset:0;z-index:2147483647;overflow:auto;margin:0;padding:2rem;" +
        "background:rgba(20,0,0,.92);color:#fff;font:14px/1.5 ui-monospace,monospace";
      document.body.appendChild(overlay);
    }
    overlay.textContent = "";
    const h = document.createElement("h2");
    h.textContent = "punchline: the last edit does not build (still serving the last good version)";
    h.style.cssText = "color:#ff8a80;font:bold 16px/1.4 ui-monospace,monospace;margin:0 0 1rem";
    const pre = document.createElement("pre");
    pre.style.cssText = "white-space:pre-wrap;margin:0";
    pre.textContent = errors.join("\n");
    overlay.append(h, pre);
  };
  const clearErrors = () => {
    if (overlay) overlay.remove();
    overlay = null;
  };
  const swapStyles = () => {
    for (const link of document.querySelectorAll('link[rel="stylesheet"]')) {
      const url = new URL(link.href);
      url.searchParams.set("punchline", Date.now().toString());
      link.href = url.toString();
    }
  };
  const events = new EventSource("/__punchline/events");
  events.onmessage = (e) => {
    const msg = JSON.parse(e.data);
    if (msg.type === "state") {
      if (msg.errors.length) showErrors(msg.errors); else clearErrors();
    } else if (msg.type === "error") {
      showErrors(msg.errors);
    } else if (msg.type === "rebuilt") {
      clearErrors();
      if (msg.css_only) swapStyles();
      else if (msg.urls.includes(here()) || msg.urls.includes("*")) location.reload();
    }
  };
})();

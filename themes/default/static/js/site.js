/* Punchline default theme: the colour-scheme toggle and the share button.
   Every word shown comes from the page (partials/header.html and
   partials/share.html); this script only picks which to show.
   The choice of colours is kept in localStorage under "punchline-scheme";
   the inline script in partials/head.html applies it before the first
   paint, so no page flashes in the wrong colours. */
(function () {
  "use strict";
  var KEY = "punchline-scheme";
  var root = document.documentElement;
  var NEXT = { auto: "light", light: "dark", dark: "auto" };

  function current() {
    var s = root.getAttribute("data-scheme");
    return s === "light" || s === "dark" ? s : "auto";
  }
  function label(btn, mode) {
    var parts = btn.querySelectorAll("[data-mode]");
    for (var i = 0; i < parts.length; i++) parts[i].hidden = parts[i].getAttribute("data-mode") !== mode;
  }
  var scheme = document.querySelector(".scheme");
  if (scheme) {
    label(scheme, current());
    scheme.hidden = false;
    scheme.addEventListener("click", function () {
      var mode = NEXT[current()];
      if (mode === "auto") root.removeAttribute("data-scheme");
      else root.setAttribute("data-scheme", mode);
      try {
        if (mode === "auto") localStorage.removeItem(KEY);
        else localStorage.setItem(KEY, mode);
      } catch (e) { /* storage blocked: the choice lasts for this page */ }
      label(scheme, mode);
    });
  }

  var shares = document.querySelectorAll(".share");
  for (var i = 0; i < shares.length; i++) share(shares[i]);

  function share(box) {
    var now = box.querySelector(".share-now");
    var copy = box.querySelector(".share-copy");
    var status = box.querySelector(".share-status");
    if (now && navigator.share) {
      var first = box.querySelector(".share-label");
      var more = box.querySelector(".share-more");
      if (first && more) { first.hidden = true; more.hidden = false; }
      now.hidden = false;
      now.addEventListener("click", function () {
        navigator.share({ title: now.getAttribute("data-title"), url: now.getAttribute("data-url") })
          .catch(function () { /* the reader closed the share sheet */ });
      });
    }
    if (copy && navigator.clipboard && window.isSecureContext) {
      copy.hidden = false;
      copy.addEventListener("click", function () {
        navigator.clipboard.writeText(copy.getAttribute("data-url")).then(function () {
          if (status) status.textContent = copy.getAttribute("data-done");
        }, function () { /* no permission: the links stay */ });
      });
    }
  }
})();

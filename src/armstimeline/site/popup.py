"""A guard for map popups: they may only link to http(s) pages."""

from __future__ import annotations

__all__ = ["POPUP_GUARD"]

POPUP_GUARD = """
// armstimeline: map popups may only link to http(s) pages. The map plugin builds a
// popup link from a 'popup' column, which arbitrary SQL can fill with javascript: URLs.
(function () {
  function guard(root) {
    root.querySelectorAll(".leaflet-popup-content a[href]").forEach(function (a) {
      var url;
      try { url = new URL(a.getAttribute("href"), document.baseURI); } catch (e) { url = null; }
      if (!url || (url.protocol !== "http:" && url.protocol !== "https:")) {
        a.removeAttribute("href");
        a.setAttribute("data-armstimeline-blocked", "unsafe link removed");
      }
    });
  }
  new MutationObserver(function () { guard(document); })
    .observe(document.documentElement, { childList: true, subtree: true });
})();
"""

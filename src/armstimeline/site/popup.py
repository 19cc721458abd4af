"""Guards for map popups: they may only link to http(s) pages, and show names as text.

The map plugin builds a table's or a query's popups (it escapes their text; this guard
removes their non-http(s) links). An event page's map is drawn by the site's own
``static/eventmap.js``, which puts each place name into its popup as a text node, never
as HTML: a name such as ``<img src=x onerror=…>`` shows as written.
"""

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

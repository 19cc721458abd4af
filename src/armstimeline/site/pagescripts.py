"""The one inline script the site adds to every page (Datasette's ``extra_body_script``),
for what Datasette's own pages lack and its templates give no hook for.

- Map popups may only link to http(s) pages (``POPUP_GUARD``). The map plugin builds a
  table's or a query's popups (it escapes their text; the guard removes their non-http(s)
  links). An event page's map is drawn by the site's own ``static/eventmap.js``, which
  puts each place name into its popup as a text node, never as HTML: a name such as
  ``<img src=x onerror=…>`` shows as written.
- Assistive technology (``ACCESS_SCRIPT``): the page's language, and names for the filter
  form's controls.

Reader pages allow exactly this script by its hash (``headers``).
"""

from __future__ import annotations

__all__ = ["ACCESS_SCRIPT", "BODY_SCRIPT", "POPUP_GUARD"]

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

ACCESS_SCRIPT = """
// armstimeline: Datasette's base template sets no page language, and its filter form's
// selects and inputs have no labels; screen readers need both.
(function () {
  var root = document.documentElement;
  if (!root.getAttribute("lang")) { root.setAttribute("lang", "en"); }
  var names = {
    "_filter_column": "Filter on column", "_filter_op": "Filter operator",
    "_filter_value": "Filter value", "_sort": "Sort by"
  };
  document.querySelectorAll("form.filters select, form.filters input").forEach(function (el) {
    var name = (el.getAttribute("name") || "").replace(/_\\d+$/, "");
    if (names[name] && !el.getAttribute("aria-label")) {
      el.setAttribute("aria-label", names[name]);
    }
  });
})();
"""

BODY_SCRIPT = POPUP_GUARD + ACCESS_SCRIPT  # on every page

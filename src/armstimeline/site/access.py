"""What Datasette's own pages lack for assistive technology, added where its templates
give no hook: the page's language, and names for the filter form's controls."""

from __future__ import annotations

__all__ = ["ACCESS_SCRIPT"]

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

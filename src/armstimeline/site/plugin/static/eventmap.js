// armstimeline: a small map of an event's places on its page, with the Leaflet the map
// plugin already serves. A file, not an inline script, so the page's Content-Security-
// Policy allows no inline script but the site's own; place names go into the popups as
// text, never as HTML (see site/pagescripts.py).
window.addEventListener("load", function () {
  var box = document.getElementById("armstimeline-map");
  var leaflet = window.datasette && window.datasette.leaflet;
  if (!box || !leaflet) { if (box) { box.remove(); } return; }
  var css = document.createElement("link");
  css.rel = "stylesheet"; css.href = leaflet.CSS_URL; document.head.appendChild(css);
  import(leaflet.JAVASCRIPT_URL).then(function (L) {
    var places = JSON.parse(box.dataset.places);
    var map = L.map(box, { scrollWheelZoom: false });
    L.tileLayer("https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png", {
      maxZoom: 18, attribution: "&copy; OpenStreetMap contributors"
    }).addTo(map);
    var bounds = places.map(function (p) {
      var label = document.createElement("span");
      label.textContent = String(p.name);  // text: a name is never read as HTML
      L.marker([p.lat, p.lon]).addTo(map).bindPopup(label);
      return [p.lat, p.lon];
    });
    map.fitBounds(bounds, { maxZoom: 6, padding: [20, 20] });
  }).catch(function () { box.remove(); });
});

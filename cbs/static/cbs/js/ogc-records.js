/* The catalogue's search page (ogc/pygeoapi_templates/collections/items/records.html).
 *
 * Wired with addEventListener from this file: the pages' Content-Security-Policy runs no inline
 * handler. The form asks the same OGC API – Records query a client would: q (words, as typed),
 * datetime (an interval of update dates), bbox (the area shown on the map), limit.
 */
(function () {
  'use strict';

  var form = document.getElementById('records-search');
  if (!form) {
    return;
  }
  var here = new URL(window.location.href);
  var params = here.searchParams;
  var q = document.getElementById('q');
  var begin = document.getElementById('datetime_begin');
  var end = document.getElementById('datetime_end');
  var spatial = document.getElementById('spatial_filter_check');
  var limits = document.getElementById('limits');
  var mapElement = document.getElementById('items-map');

  // The current search stays in the form.
  q.value = params.get('q') || '';
  var interval = (params.get('datetime') || '').split('/');
  if (interval[0] && interval[0] !== '..') {
    begin.value = interval[0].slice(0, 10);
  }
  var last = interval.length > 1 ? interval[1] : interval[0];
  if (last && last !== '..') {
    end.value = last.slice(0, 10);
  }
  var bbox = (params.get('bbox') || '').split(',').map(Number);
  var hasBbox = bbox.length === 4 && bbox.every(isFinite);
  spatial.checked = hasBbox;

  var map = null;
  var area = null;
  if (mapElement && window.L) {
    map = L.map(mapElement);
    L.tileLayer(mapElement.dataset.tiles, {
      maxZoom: 19, attribution: mapElement.dataset.attribution || ''
    }).addTo(map);
    var titleField = mapElement.dataset.titleField;
    var itemsPath = mapElement.dataset.itemsPath;
    var records = L.geoJSON(JSON.parse(mapElement.dataset.features || '[]'), {
      style: {color: '#0d6efd', weight: 2, fillOpacity: 0.05},
      onEachFeature: function (feature, layer) {
        var link = document.createElement('a');
        link.href = itemsPath + '/' + encodeURIComponent(feature.id);
        link.textContent = (feature.properties && feature.properties[titleField]) || feature.id;
        layer.bindPopup(link);
      }
    }).addTo(map);
    if (hasBbox) {
      var searched = L.latLngBounds([bbox[1], bbox[0]], [bbox[3], bbox[2]]);
      map.fitBounds(searched);
      area = L.rectangle(searched, {color: '#198754', weight: 2, fill: false, dashArray: '6 4'}).addTo(map);
    } else if (records.getLayers().length) {
      map.fitBounds(records.getBounds());
    } else {  // nothing found: the catalogue's extent
      var extent = JSON.parse(mapElement.dataset.extent || 'null');
      if (Array.isArray(extent) && extent.length === 4) {
        map.fitBounds([[extent[1], extent[0]], [extent[3], extent[2]]]);
      } else {
        map.setView([0, 0], 1);
      }
    }
  }

  function shownArea() {
    return map.getBounds().pad(-0.05);
  }

  function drawArea() {
    if (area) {
      area.remove();
      area = null;
    }
    if (spatial.checked && map) {
      area = L.rectangle(shownArea(), {color: '#198754', weight: 2, fill: false, dashArray: '6 4'}).addTo(map);
    }
  }

  spatial.addEventListener('change', drawArea);
  if (map) {
    map.on('moveend', function () {
      if (spatial.checked) {
        drawArea();
      }
    });
  }

  function go(query) {
    ['f', 'lang', 'limit'].forEach(function (name) {
      if (params.has(name) && !query.has(name)) {
        query.set(name, params.get(name));
      }
    });
    window.location.assign(form.action + (query.toString() ? '?' + query.toString() : ''));
  }

  form.addEventListener('submit', function (event) {
    event.preventDefault();
    var query = new URLSearchParams();
    var words = q.value.trim();
    if (words) {
      query.set('q', words);
    }
    if (begin.value || end.value) {
      query.set('datetime', (begin.value ? begin.value + 'T00:00:00Z' : '..') + '/' +
                            (end.value ? end.value + 'T23:59:59Z' : '..'));
    }
    if (spatial.checked) {
      var bounds = area ? area.getBounds() : (map ? shownArea() : null);
      if (bounds) {
        var clamp = function (v, limit) { return Math.max(-limit, Math.min(limit, v)).toFixed(6); };
        query.set('bbox', [clamp(bounds.getWest(), 180), clamp(bounds.getSouth(), 90),
                           clamp(bounds.getEast(), 180), clamp(bounds.getNorth(), 90)].join(','));
      } else if (hasBbox) {
        query.set('bbox', params.get('bbox'));
      }
    }
    go(query);
  });

  if (limits) {
    var wanted = params.get('limit');
    if (wanted && Array.prototype.some.call(limits.options, function (o) { return o.value === wanted; })) {
      limits.value = wanted;
    }
    limits.addEventListener('change', function () {
      var query = new URLSearchParams(params);
      query.delete('offset');
      query.set('limit', limits.value);
      window.location.assign(form.action + '?' + query.toString());
    });
  }
}());

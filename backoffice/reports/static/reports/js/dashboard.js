/* Dashboard charts (Chart.js served by the site); the figures come from SQL via the page. */
(function () {
    "use strict";
    const data = JSON.parse(document.getElementById("dashboard-data").textContent);
    const palette = ["#0d6efd", "#198754", "#ffc107", "#dc3545", "#6f42c1", "#20c997", "#fd7e14", "#6c757d"];
    function chart(id, type, labels, datasets, options) {
        window.kentCharts = window.kentCharts || {};
        window.kentCharts[id] = new Chart(document.getElementById(id), {
            type: type, data: {labels: labels, datasets: datasets},
            options: Object.assign({animation: false, responsive: true, plugins: {legend: {position: "bottom"}}}, options || {}),
        });
    }
    const pick = function (rows, key) { return rows.map(function (r) { return r[key]; }); };
    chart("chart-weeks", "line", pick(data.weeks, "week"), [
        {label: data.names.opened, data: pick(data.weeks, "opened"), borderColor: palette[0]},
        {label: data.names.resolved, data: pick(data.weeks, "resolved"), borderColor: palette[1]}]);
    chart("chart-status", "bar", pick(data.status, "label"), [{label: "", data: pick(data.status, "count"), backgroundColor: palette[0]}],
          {plugins: {legend: {display: false}}});
    chart("chart-sla", "doughnut", pick(data.sla, "label"), [{data: pick(data.sla, "count"),
          backgroundColor: data.sla.map(function (r) { return {breached: "#dc3545", risk: "#ffc107", ok: "#198754"}[r.state] || "#6c757d"; })}]);
    chart("chart-resolution", "bar", pick(data.resolution, "category"), [
        {label: data.names.median, data: pick(data.resolution, "median_hours"), backgroundColor: palette[0]},
        {label: data.names.p90, data: pick(data.resolution, "p90_hours"), backgroundColor: palette[6]}]);
    chart("chart-team", "bar", pick(data.team, "label"), [{label: "", data: pick(data.team, "count"), backgroundColor: palette[4]}],
          {indexAxis: "y", plugins: {legend: {display: false}}});
    chart("chart-assignee", "bar", pick(data.assignee, "label"), [{label: "", data: pick(data.assignee, "count"), backgroundColor: palette[5]}],
          {indexAxis: "y", plugins: {legend: {display: false}}});
    const statuses = Array.from(new Set(pick(data.assets, "status")));
    const types = Array.from(new Set(pick(data.assets, "type_label")));
    chart("chart-assets", "bar", types, statuses.map(function (s, i) {
        const label = data.assets.find(function (r) { return r.status === s; }).status_label;
        return {label: label, backgroundColor: s === "arizali" ? "#dc3545" : palette[i % palette.length],
                data: types.map(function (t) {
                    const row = data.assets.find(function (r) { return r.type_label === t && r.status === s; });
                    return row ? row.count : 0; })};
    }), {scales: {x: {stacked: true}, y: {stacked: true}}});
    const weeks = Array.from(new Set(pick(data.edits, "week")));
    const layers = Array.from(new Set(pick(data.edits, "layer")));
    chart("chart-edits", "bar", weeks, layers.map(function (l, i) {
        return {label: l, backgroundColor: palette[i % palette.length], data: weeks.map(function (w) {
            return data.edits.filter(function (r) { return r.week === w && r.layer === l; })
                .reduce(function (n, r) { return n + r.created + r.changed + r.deleted; }, 0); })};
    }), {scales: {x: {stacked: true}, y: {stacked: true}}});
})();

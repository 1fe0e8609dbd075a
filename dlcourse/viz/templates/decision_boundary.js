// Draw function for decision_boundary_explorer, called by the explorer template with
// v = {w1, w2, b} and ui = {root, svg, readout, data}. The unit outputs y = 1 where
// a = w1*x1 + w2*x2 + b > 0; that half-plane is shaded and the line a = 0 is drawn.
function (v, ui) {
  var d = ui.data, box = d.box;
  function px(x1) { return d.left + (x1 - box[0]) / (box[1] - box[0]) * d.plot_width; }
  function py(x2) { return d.top + (box[3] - x2) / (box[3] - box[2]) * d.plot_height; }
  function act(p) { return v.w1 * p[0] + v.w2 * p[1] + v.b; }

  // Clip the plotting box to the half-plane a >= 0 (one Sutherland-Hodgman step);
  // the points where an edge changes side are the ends of the decision line.
  var corners = [[box[0], box[2]], [box[1], box[2]], [box[1], box[3]], [box[0], box[3]]];
  var shaded = [], ends = [];
  for (var i = 0; i < 4; i++) {
    var p = corners[i], q = corners[(i + 1) % 4], ap = act(p), aq = act(q);
    if (ap >= 0) { shaded.push(p); }
    if ((ap >= 0) !== (aq >= 0)) {
      var s = ap / (ap - aq), c = [p[0] + s * (q[0] - p[0]), p[1] + s * (q[1] - p[1])];
      shaded.push(c);
      ends.push(c);
    }
  }
  var svg = ui.svg;
  var corners_px = shaded.map(function (c) {
    return px(c[0]).toFixed(1) + "," + py(c[1]).toFixed(1);
  });
  svg.querySelector("[data-role=shade]").setAttribute("points", corners_px.join(" "));
  var line = svg.querySelector("[data-role=line]");
  if (ends.length >= 2) {
    line.setAttribute("x1", px(ends[0][0])); line.setAttribute("y1", py(ends[0][1]));
    line.setAttribute("x2", px(ends[ends.length - 1][0]));
    line.setAttribute("y2", py(ends[ends.length - 1][1]));
    line.setAttribute("visibility", "visible");
  } else {
    line.setAttribute("visibility", "hidden");
  }

  var markers = svg.querySelectorAll("[data-role=point]"), correct = 0;
  for (var k = 0; k < d.x.length; k++) {
    var ok = (act(d.x[k]) > 0 ? 1 : 0) === d.t[k];   // fires only for a > 0, as dlcourse.core.activations.threshold
    correct += ok ? 1 : 0;
    markers[k].setAttribute("stroke", ok ? "#ffffff" : "#000000");
    markers[k].setAttribute("stroke-width", ok ? "0.8" : "2.2");
  }
  ui.readout.textContent = correct + " of " + d.x.length + " points classified correctly" +
    (correct === d.x.length ? " \u2714" : " (misclassified points are ringed in black)");
}

// Not vendored: a small dlcourse shim, loaded after require.js and before embed-amd.js on
// pages with widgets (see nb_ipywidgets_js in _config.yml and README.md beside this folder).
(function () {
  "use strict";
  // 1. embed-amd.js derives the URL of the icon fonts it bundles from the require.js module
  //    URI of "@jupyter-widgets/...", which by default lies under the page's own folder.
  //    Map those module names to this folder so the fonts load from beside embed-amd.js.
  var script = document.currentScript;
  if (script && typeof require !== "undefined" && require.config) {
    var src = script.src.split(/[?#]/)[0];
    var here = src.slice(0, src.lastIndexOf("/"));
    require.config({
      paths: {"@jupyter-widgets/html-manager/dist": here, "@jupyter-widgets": here}
    });
  }
  // 2. The theme's Font Awesome script replaces every <i class="fa ..."> with an <svg>; the
  //    Play widget later looks for its <i> to swap play/pause and throws when it is gone.
  //    "nest" puts the svg inside the <i> instead. (Read when the deferred script runs.)
  window.FontAwesomeConfig = Object.assign({}, window.FontAwesomeConfig, {autoReplaceSvg: "nest"});
  // 3. The widgets typeset their labels with the MathJax 2 call MathJax.Hub.Queue whenever
  //    window.MathJax exists; Sphinx loads MathJax 3, which has no Hub, so the call throws and
  //    leaves views (Play, Stack) half-rendered. Translate it to MathJax 3. Sphinx loads MathJax
  //    with defer, so it is in place by DOMContentLoaded, before the widgets render.
  document.addEventListener("DOMContentLoaded", function () {
    var mj = window.MathJax;
    if (!mj || mj.Hub) { return; }
    mj.Hub = {
      Queue: function () {
        Array.prototype.forEach.call(arguments, function (job) {
          if (!Array.isArray(job) || job[0] !== "Typeset" || !job[2]) { return; }
          var ready = (mj.startup && mj.startup.promise) || Promise.resolve();
          ready.then(function () {
            return typeof mj.typesetPromise === "function" ? mj.typesetPromise([job[2]]) : null;
          });
        });
      }
    };
  });
})();

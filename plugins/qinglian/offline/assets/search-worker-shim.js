/*
 * Qinglian: start Material's search worker from file:// as a real Worker.
 *
 * Chromium refuses `new Worker("file:///…")` (a file page has an opaque
 * origin), and Material's fallback, the iframe-worker shim, is fetched from
 * unpkg.com and runs the index build on the page's own thread. A Worker made
 * from a blob: URL is allowed from file://, so the build embeds the worker's
 * source here and we start that instead. The file name contains
 * "iframe-worker", which tells Material not to add its shim.
 */
(function (workerSource, workerName) {
  "use strict";
  if (location.protocol !== "file:" || !window.Worker || !window.Blob || !window.URL) {
    return;
  }
  var NativeWorker = window.Worker;
  var blobUrl = null;

  function isSearchWorker(url) {
    var path = String(url).split(/[?#]/)[0];
    return path.slice(-workerName.length - 1) === "/" + workerName;
  }

  function QinglianWorker(url, options) {
    if (isSearchWorker(url)) {
      blobUrl = blobUrl || URL.createObjectURL(
        new Blob([workerSource], { type: "text/javascript" })
      );
      return new NativeWorker(blobUrl, options);
    }
    return new NativeWorker(url, options);
  }
  QinglianWorker.prototype = NativeWorker.prototype;
  window.Worker = QinglianWorker;
})(__WORKER_SOURCE__, __WORKER_NAME__);

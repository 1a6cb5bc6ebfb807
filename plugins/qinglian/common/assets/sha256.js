/*
 * SHA-256 of a text (UTF-8), as lowercase hex: window.qinglian.sha256. Only
 * pages that need it load it (exam answer digests, certificate codes); it is
 * hand-written because plain-http intranet pages have no crypto.subtle.
 */
(function run() {
  "use strict";
  var q = window.qinglian;
  // Instant navigation may run this before the shared module: wait for it
  if (!q) return (window.qinglianWaiting = window.qinglianWaiting || []).push(run);
  if (q.sha256) return;

  // Constants: fractional parts of square and cube roots of primes
  var initial = [];
  var rounds = [];
  for (var candidate = 2; rounds.length < 64; candidate++) {
    for (var divisor = 2; candidate % divisor && divisor * divisor <= candidate; divisor++);
    if (divisor * divisor > candidate) {
      if (initial.length < 8) initial.push((Math.pow(candidate, 1 / 2) % 1) * 4294967296 | 0);
      rounds.push((Math.pow(candidate, 1 / 3) % 1) * 4294967296 | 0);
    }
  }

  function rotate(x, n) {
    return (x >>> n) | (x << (32 - n));
  }

  q.sha256 = function (text) {
    var bytes = Array.from(new TextEncoder().encode(text));
    var bits = bytes.length * 8;
    bytes.push(128);
    while (bytes.length % 64 !== 56) bytes.push(0);
    for (var shift = 56; shift >= 0; shift -= 8) bytes.push(shift > 24 ? 0 : (bits >>> shift) & 255);
    var hash = initial.slice();
    var w = [];
    for (var chunk = 0; chunk < bytes.length; chunk += 64) {
      for (var i = 0; i < 64; i++) {
        if (i < 16) {
          var at = chunk + i * 4;
          w[i] = bytes[at] << 24 | bytes[at + 1] << 16 | bytes[at + 2] << 8 | bytes[at + 3];
        } else {
          var a = w[i - 15];
          var b = w[i - 2];
          w[i] = (w[i - 16] + (rotate(a, 7) ^ rotate(a, 18) ^ (a >>> 3)) + w[i - 7]
            + (rotate(b, 17) ^ rotate(b, 19) ^ (b >>> 10))) | 0;
        }
      }
      var s = hash.slice();
      for (i = 0; i < 64; i++) {
        var t1 = (s[7] + (rotate(s[4], 6) ^ rotate(s[4], 11) ^ rotate(s[4], 25))
          + ((s[4] & s[5]) ^ (~s[4] & s[6])) + rounds[i] + w[i]) | 0;
        var t2 = ((rotate(s[0], 2) ^ rotate(s[0], 13) ^ rotate(s[0], 22))
          + ((s[0] & s[1]) ^ (s[0] & s[2]) ^ (s[1] & s[2]))) | 0;
        s = [(t1 + t2) | 0, s[0], s[1], s[2], (s[3] + t1) | 0, s[4], s[5], s[6]];
      }
      for (i = 0; i < 8; i++) hash[i] = (hash[i] + s[i]) | 0;
    }
    return hash.map(function (h) {
      return ("0000000" + (h >>> 0).toString(16)).slice(-8);
    }).join("");
  };
  (window.qinglianWaiting || []).splice(0).forEach(function (start) { start(); });
})();

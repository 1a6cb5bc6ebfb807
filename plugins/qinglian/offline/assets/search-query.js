/*
 * Qinglian: article numbers in search queries. Lessons and laws write 第八条,
 * 第五十六条; staff type 第8条 or, with a Chinese input method, 第８条. Put
 * before Material's search worker: its message listener runs first and turns
 * such a query's digits into Chinese numerals, so the index's words match.
 */
(function () {
  "use strict";
  var DIGITS = "零一二三四五六七八九";

  // 8 → 八, 10 → 十, 56 → 五十六, 105 → 一百零五, 110 → 一百一十
  function chinese(n) {
    if (n < 10) return DIGITS[n];
    if (n < 20) return "十" + (n % 10 ? DIGITS[n % 10] : "");
    if (n < 100) return DIGITS[Math.floor(n / 10)] + "十" + (n % 10 ? DIGITS[n % 10] : "");
    var rest = n % 100;
    return DIGITS[Math.floor(n / 100)] + "百" +
      (!rest ? "" : rest < 10 ? "零" + DIGITS[rest] : (rest < 20 ? "一" : "") + chinese(rest));
  }

  addEventListener("message", function (event) {
    var message = event.data;
    // Material's worker protocol: a query is { type: 2, data: its text }
    if (!message || message.type !== 2 || typeof message.data !== "string") return;
    message.data = message.data.replace(/第\s*([0-9０-９]{1,3})\s*(?=[条项章款节])/g,
      function (match, number) {
        return "第" + chinese(+number.replace(/[０-９]/g, function (digit) {
          return digit.charCodeAt(0) - 0xff10;
        }));
      });
  });
})();

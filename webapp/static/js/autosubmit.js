/* Sends the committed FPX AR to the exchange: the form on "Redirecting to your bank" submits itself (no
   inline script, strict CSP); without JavaScript the page shows a button instead (<noscript>). */
(function () {
  "use strict";
  var form = document.getElementById("fpx-ar");
  if (form) { HTMLFormElement.prototype.submit.call(form); }
})();

/* Sends the buyer back to the merchant with the indirect AC. With data-submits="2" (the double_submit knob)
   a copy is POSTed first without cookies, as a refresh that re-POSTs would, then the form is submitted. */
(function () {
  var form = document.getElementById("fpx-ac");
  if (!form) { return; }
  var submit = function () { HTMLFormElement.prototype.submit.call(form); };
  if (form.getAttribute("data-submits") === "2" && window.fetch) {
    fetch(form.action, {method: "POST", body: new URLSearchParams(new FormData(form)),
                        mode: "no-cors", credentials: "omit"}).then(submit, submit);
  } else {
    submit();
  }
})();

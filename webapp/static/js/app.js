/* ASSIST: the only script of our own (no inline script, strict CSP).
   1. Sends the CSRF token from <meta name="csrf-token"> with every htmx request.
   2. Plain forms disable their buttons once sent (slow links: no second submission).
   3. A save that does not reach the server (a dropped mobile link) says so where it was made: elements with
      [data-save-failed] inside the form's row are shown, and the values typed stay for a retry.
   4. Idle warning: one minute before the session's idle timeout a banner counts down; at zero the page
      logs out by submitting the LOGOUT form. Any request to the server restarts the clock. */
(function () {
  "use strict";
  var meta = document.querySelector('meta[name="csrf-token"]');
  document.addEventListener("htmx:configRequest", function (event) {
    if (meta) { event.detail.headers["X-CSRFToken"] = meta.content; }
  });

  /* Upload progress: files from big employers on mobile links are slow. */
  document.addEventListener("htmx:xhr:progress", function (event) {
    var bar = event.target.querySelector && event.target.querySelector("progress[data-upload-progress]");
    if (bar && event.detail.lengthComputable) {
      bar.hidden = false;
      bar.value = Math.round(event.detail.loaded / event.detail.total * 100);
    }
  });

  /* A save that did not arrive: htmx swaps nothing, so the typed values stay; say "not saved, retry". */
  function saveNotice(event, show) {
    var elt = event.detail.elt;
    var place = elt && elt.closest && (elt.closest("tr") || elt.closest(".card") || elt);
    if (!place) { return; }
    place.querySelectorAll("[data-save-failed]").forEach(function (notice) { notice.hidden = !show; });
  }
  document.addEventListener("htmx:sendError", function (event) { saveNotice(event, true); });
  document.addEventListener("htmx:timeout", function (event) { saveNotice(event, true); });
  document.addEventListener("htmx:responseError", function (event) {
    if (event.detail.xhr && event.detail.xhr.status >= 500) { saveNotice(event, true); }
  });
  document.addEventListener("htmx:beforeRequest", function (event) { saveNotice(event, false); });

  /* Plain forms (not htmx) on a slow link: once sent, their buttons wait for the answer, so a second tap
     does not send the form again (htmx actions do the same with hx-disabled-elt). */
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || form.method === "get") { return; }
    setTimeout(function () {  /* after the browser has read the form, or the pressed button would be left out */
      form.classList.add("htmx-request");
      form.querySelectorAll("button").forEach(function (button) { button.disabled = true; });
    }, 0);
  });
  window.addEventListener("pageshow", function (event) {  /* back to a page kept in memory: usable again */
    if (!event.persisted) { return; }
    document.querySelectorAll("form.htmx-request").forEach(function (form) {
      form.classList.remove("htmx-request");
      form.querySelectorAll("button").forEach(function (button) { button.disabled = false; });
    });
  });

  var idle = parseInt(document.body.dataset.idleSeconds || "0", 10);
  var banner = document.getElementById("idle-warning");
  if (!idle || !banner) { return; }
  var left = banner.querySelector("[data-seconds-left]");
  var warnAt = Math.max(idle - 60, Math.floor(idle / 2));
  var deadline;
  var timer;

  function logout() {
    var form = document.getElementById("logout-form");
    if (!form) { return; }
    var reason = document.createElement("input");
    reason.type = "hidden"; reason.name = "reason"; reason.value = "idle";
    form.appendChild(reason);
    form.submit();
  }
  function tick() {
    var remaining = Math.round((deadline - Date.now()) / 1000);
    if (remaining <= 0) { clearInterval(timer); logout(); return; }
    if (remaining <= idle - warnAt) {
      banner.hidden = false;
      if (left) { left.textContent = String(remaining); }
    }
  }
  function restart() {
    deadline = Date.now() + (idle - 10) * 1000;  /* the server notes activity at most every 10 s */
    banner.hidden = true;
    clearInterval(timer);
    timer = setInterval(tick, 1000);
  }
  document.addEventListener("htmx:afterRequest", function (event) {
    var headers = (event.detail.requestConfig || {}).headers || {};
    if (headers["X-Assist-Poll"] !== "1") { restart(); }  /* a page refreshing itself is not activity */
  });
  restart();
})();

/* 6. A file bigger than the portal takes is refused in the browser before it is sent: on a slow link the
   upload would take minutes only to be refused (and the server's own limit answers with a bare page). */
document.addEventListener("change", function (event) {
  var input = event.target;
  if (!input.matches || !input.matches("input[type=file]")) { return; }
  var max = parseInt(document.body.dataset.maxUpload || "0", 10);
  var file = input.files && input.files[0];
  input.setCustomValidity(max && file && file.size > max ? (document.body.dataset.tooBig || "") : "");
  input.reportValidity();
});
document.addEventListener("submit", function (event) {  /* capture: before the forms' own handlers */
  var tooBig = document.body.dataset.tooBig;
  var inputs = event.target.querySelectorAll ? event.target.querySelectorAll("input[type=file]") : [];
  for (var i = 0; i < inputs.length; i += 1) {
    if (tooBig && inputs[i].validationMessage === tooBig) {
      event.preventDefault();
      event.stopPropagation();
      inputs[i].reportValidity();
      return;
    }
  }
}, true);

// The session's end, in local time, and a warning two minutes before it with a button that
// extends the session (POST /session/extend). Without this script the page still says when the
// session ends, and a form saved after it is kept (see web/kept). Served from /static under the
// site's Content-Security-Policy: no inline script, no eval.
(function () {
  "use strict";
  var info = document.getElementById("session-end");
  if (!info || !window.fetch) {
    return;
  }
  var WARN_BEFORE = 120;
  var left = parseInt(info.getAttribute("data-seconds-left"), 10);
  if (!(left >= 0)) {
    return;
  }
  var token = info.getAttribute("data-csrf") || "";
  var deadline = Date.now() + left * 1000;
  var warnTimer = null;
  var endTimer = null;
  var banner = null;
  var message = null;
  var button = null;

  function clock(ms) {
    return new Date(ms).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  }

  function showEnd() {
    var time = info.querySelector(".session-end-time");
    if (time) {
      time.textContent = clock(deadline);
    }
  }

  function build() {
    banner = document.createElement("div");
    banner.className = "session-warning";
    banner.setAttribute("role", "region");
    banner.setAttribute("aria-label", "Session");
    message = document.createElement("p");
    message.setAttribute("role", "alert");
    button = document.createElement("button");
    button.type = "button";
    button.className = "primary";
    button.textContent = "Stay signed in";
    button.addEventListener("click", extend);
    banner.appendChild(message);
    banner.appendChild(button);
    document.body.appendChild(banner);
  }

  function warn() {
    if (!banner) {
      build();
    }
    var minutes = Math.max(1, Math.round((deadline - Date.now()) / 60000));
    message.textContent = "Your session ends at " + clock(deadline) + " (in about " + minutes +
      (minutes === 1 ? " minute" : " minutes") + ") unless you stay signed in.";
    button.hidden = false;
    show();
  }

  // The banner is fixed at the bottom: the page gets room below its end so nothing is hidden.
  function show() {
    banner.hidden = false;
    document.body.classList.add("session-warned");
  }

  function hide() {
    banner.hidden = true;
    document.body.classList.remove("session-warned");
  }

  function ended() {
    if (!banner) {
      build();
    }
    message.textContent = "Your session has ended. Nothing you typed is lost: save, sign in again, and the form comes back filled.";
    button.hidden = true;
    show();
  }

  function schedule() {
    clearTimeout(warnTimer);
    clearTimeout(endTimer);
    var now = Date.now();
    warnTimer = setTimeout(warn, Math.max(0, deadline - WARN_BEFORE * 1000 - now));
    endTimer = setTimeout(ended, Math.max(0, deadline - now));
    showEnd();
  }

  function extend() {
    button.disabled = true;
    fetch("/session/extend", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json" },
      body: "csrf_token=" + encodeURIComponent(token)
    }).then(function (response) {
      if (!response.ok) {
        throw new Error("not extended");
      }
      return response.json();
    }).then(function (body) {
      deadline = Date.now() + body.seconds_left * 1000;
      hide();
      schedule();
    }).catch(function () {
      ended();
    }).then(function () {
      button.disabled = false;
    });
  }

  schedule();
})();

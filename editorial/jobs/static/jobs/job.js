// The job page: polls the job's status once a second and moves the progress bar;
// reloads once when the job ends, to show its result and errors.
(function () {
  "use strict";
  function start() {
    var page = document.querySelector("[data-status-url]");
    if (!page || page.dataset.finished === "1") { return; }
    var bar = document.getElementById("job-bar");
    var count = document.getElementById("job-count");
    var status = document.getElementById("job-status");
    var template = count.dataset.template;
    function poll() {
      fetch(page.dataset.statusUrl, {credentials: "same-origin", headers: {"Accept": "application/json"}})
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (job) {
          if (!job) { window.setTimeout(poll, 3000); return; }
          if (job.total !== null) {
            bar.max = Math.max(job.total, 1);
            bar.value = job.done;
            count.textContent = template.replace("%(done)s", job.done)
              .replace("%(total)s", job.total).replace("%(failed)s", job.failed);
          }
          status.textContent = job.status_label;
          status.className = "job-status job-status-" + job.status;
          if (job.finished) { window.location.reload(); } else { window.setTimeout(poll, 1000); }
        })
        .catch(function () { window.setTimeout(poll, 3000); });
    }
    window.setTimeout(poll, 500);
  }
  document.addEventListener("DOMContentLoaded", start);
}());

// Progressive enhancement for the upload form: send it with XMLHttpRequest to show a
// progress bar, then show the page the server answered. Without JavaScript the form posts
// normally and the same page comes back.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("upload-form");
  const bar = document.getElementById("upload-progress");
  if (!form || !bar || !window.XMLHttpRequest) return;
  const problem = document.getElementById("upload-error");
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const file = form.elements.content.files[0];
    if (file && problem && file.size > Number(form.dataset.maxBytes)) {
      problem.textContent = form.dataset.tooLarge;  // refused before sending a byte
      problem.hidden = false;
      return;
    }
    const request = new XMLHttpRequest();
    request.open("POST", form.action);
    bar.hidden = false;
    request.upload.addEventListener("progress", (e) => {
      if (e.lengthComputable) bar.value = Math.round((100 * e.loaded) / e.total);
    });
    request.addEventListener("load", () => {
      document.open();
      document.write(request.responseText);
      document.close();
    });
    request.addEventListener("error", () => form.submit());
    request.send(new FormData(form));
  });
});

// Dropping files on the upload box puts them in its file field, and says beforehand if they exceed the limit.
// The page works without this script: the file field and the button do the same.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("form.drop").forEach(function (form) {
    var zone = form.querySelector(".dropzone"), input = form.querySelector("input[type=file]");
    var info = form.querySelector(".drop-info"), limit = Number(form.dataset.limit || 0);
    function show() {
      var total = 0;
      for (var i = 0; i < input.files.length; i++) total += input.files[i].size;
      var over = limit && total > limit;
      info.textContent = input.files.length + " file scelti, " + Math.ceil(total / 1024) + " kB" +
        (over ? ": oltre il limite di " + Math.round(limit / 1048576) + " MB per volta, caricarli in più volte" : "");
      info.classList.toggle("error", !!over);
      return !over;
    }
    ["dragenter", "dragover"].forEach(function (name) {
      zone.addEventListener(name, function (e) { e.preventDefault(); zone.classList.add("over"); });
    });
    zone.addEventListener("dragleave", function () { zone.classList.remove("over"); });
    zone.addEventListener("drop", function (e) {
      e.preventDefault(); zone.classList.remove("over");
      input.files = e.dataTransfer.files; show();
    });
    input.addEventListener("change", show);
    form.addEventListener("submit", function (e) { if (input.files.length && !show()) e.preventDefault(); });
  });
});

// The console's only script besides htmx (the Content-Security-Policy allows no inline script).
// A select marked data-autosubmit sends its form when it changes; without JavaScript a button does.
document.addEventListener("change", function (event) {
  var target = event.target;
  if (target instanceof HTMLSelectElement && target.hasAttribute("data-autosubmit") && target.form) {
    target.form.requestSubmit();
  }
});

/* The page frame's one script, loaded in <head> so the menu is folded before the first paint.
 * Without JavaScript the menu simply stays open above the page on a phone. */
document.documentElement.classList.add("js");
document.addEventListener("DOMContentLoaded", function () {
  var button = document.querySelector(".menu-toggle");
  var menu = document.getElementById("side-nav");
  if (!button || !menu) return;
  button.addEventListener("click", function () {
    var open = menu.classList.toggle("open");
    button.setAttribute("aria-expanded", open ? "true" : "false");
  });
});

/* A select marked data-autosubmit sends its form when changed (the language switch): no
 * inline handler, so the Content-Security-Policy allows no inline script but ours. */
document.addEventListener("change", function (event) {
  var target = event.target;
  if (target && target.matches && target.matches("select[data-autosubmit]") && target.form) {
    target.form.submit();
  }
});

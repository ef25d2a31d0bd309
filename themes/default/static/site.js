/* lanmu default theme: dark-mode toggle, menu closing, keyboard-scrollable tables. */
(function () {
  var d = document, root = d.documentElement, KEY = "lanmu-theme";
  var mq = window.matchMedia ? matchMedia("(prefers-color-scheme: dark)") : null;
  var btn = d.querySelector(".theme-toggle");
  function isDark() {
    var t = root.getAttribute("data-theme");
    return t ? t === "dark" : !!(mq && mq.matches);
  }
  function sync() { if (btn) btn.setAttribute("aria-pressed", isDark() ? "true" : "false"); }
  if (btn) {
    btn.addEventListener("click", function () {
      var t = isDark() ? "light" : "dark";
      root.setAttribute("data-theme", t);
      try { localStorage.setItem(KEY, t); } catch (e) {}
      sync();
    });
    if (mq && mq.addEventListener) mq.addEventListener("change", sync);
    sync();
  }

  var menu = d.querySelector("details.menu");
  if (menu) {
    var nav = d.getElementById("site-nav");
    var close = function (focus) {
      if (!menu.open) return;
      menu.open = false;
      if (focus) menu.querySelector("summary").focus();
    };
    d.addEventListener("keydown", function (e) {
      if (e.key === "Escape" && menu.open) close(menu.contains(d.activeElement) || (nav && nav.contains(d.activeElement)));
    });
    d.addEventListener("click", function (e) {
      if (!menu.contains(e.target) && !(nav && nav.contains(e.target))) close(false);
    });
  }

  // Task list checkboxes: name them after their item until the Markdown output labels them.
  var cbs = d.querySelectorAll(".prose li > input[type=checkbox]");
  for (var j = 0; j < cbs.length; j++) {
    var cb = cbs[j];
    if (!(cb.labels && cb.labels.length) && !cb.hasAttribute("aria-label")) cb.setAttribute("aria-label", cb.parentNode.textContent.trim());
  }

  // Wide tables and code blocks scroll sideways; let keyboards reach them.
  var boxes = d.querySelectorAll(".prose table, .prose pre");
  for (var i = 0; i < boxes.length; i++) {
    if (boxes[i].scrollWidth > boxes[i].clientWidth + 1) boxes[i].setAttribute("tabindex", "0");
  }
})();

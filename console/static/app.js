// Belfry's live pages: a room or conversation page lists its messages in
// <ol id="messages" data-events="...">; this script subscribes to the
// thread's server-sent events and inserts each new message, and replaces
// a redacted one, as the server renders them. The page works without it.
(function () {
  "use strict";
  var list = document.getElementById("messages");
  if (!list || !list.getAttribute("data-events") || !window.EventSource) {
    return;
  }
  function parse(html) {
    var t = document.createElement("template");
    t.innerHTML = html;
    return t.content.firstElementChild;
  }
  var source = new EventSource(list.getAttribute("data-events"));
  source.addEventListener("message", function (e) {
    var item = parse(e.data);
    if (item && !document.getElementById(item.id)) {
      list.appendChild(item);
      var empty = document.getElementById("empty");
      if (empty) {
        empty.remove();
      }
      item.scrollIntoView({block: "nearest"});
    }
  });
  source.addEventListener("redaction", function (e) {
    var item = parse(e.data);
    var old = item && document.getElementById(item.id);
    if (old) {
      old.replaceWith(item);
    }
  });
  source.addEventListener("reload", function () {
    source.close();
    window.location.reload();
  });
}());

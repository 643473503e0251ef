/* The random-joke page (random.html): goes on to one of the jokes it
   lists, picked at random. Without this script readers pick from the list. */
(function () {
  "use strict";
  var links = document.querySelectorAll(".random-list a");
  if (links.length) location.replace(links[Math.floor(Math.random() * links.length)].href);
})();

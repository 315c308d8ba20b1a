/* Tables on phones (issue 23, item 7). Every data table (a `table.table` with a <thead> and three columns or more)
   is marked `.table-stack`: below 576 px static/css/asis.css shows each row as a card and each cell as a line,
   labelled with its column's header, so money, status and actions are never scrolled out of sight. This script
   writes those labels: it copies each column's header text into the `data-label` of the column's cells (colspans
   and rowspans counted), and names the roles of the table's parts, which a browser may drop once rows and cells are
   no longer displayed as a table, so that screen readers still read each cell with its header (the <thead> stays in
   the page, out of sight). A table of one or two columns fits any phone and stays as it is, and so does a table
   that must keep its columns (a matrix read across), which carries `.table-keep`.
   Compact cards: a column whose header carries `data-secondary` (never money, a status or an action) is folded, on
   phones, into one « Détails » per card: the script adds to each row a cell across every column holding a <details>
   whose lines copy the row's secondary cells (label, value); on phones those cells are hidden and the fold shown, on
   a wider screen the reverse (static/css/asis.css). The fold's name is the table's `data-more-label`.
   On a phone, two cells side by side whose label and value are short (a date, a count, an amount) each take half
   the card's width, so that they share a line.
   A file of its own: the Content-Security-Policy allows no inline script. */
(function () {
  "use strict";

  // What a cell can show besides text: a cell with none of these and no text shown is blank on screen.
  var SEEN = "a[href], button, input, select, textarea, img, svg, canvas, progress, meter";

  // The text a sighted reader sees in a cell; for a header, without its marks read to no one (a sort arrow): a
  // header only read to screen readers labels nothing.
  function shownText(cell, withoutMarks) {
    var copy = cell.cloneNode(true);
    var hidden = ".visually-hidden, .visually-hidden-focusable" + (withoutMarks ? ", [aria-hidden=true]" : "");
    copy.querySelectorAll(hidden).forEach(function (element) {
      element.remove();
    });
    return copy.textContent.replace(/\s+/g, " ").trim();
  }

  // Two cells side by side whose label and value each fit half the card (a date, a count, an amount) share one
  // line of the card: measured with the cell's own font, on a phone only (the cards are a phone's layout).
  var PHONE = window.matchMedia("(max-width: 575.98px)");
  var ruler = document.createElement("canvas").getContext("2d");
  function width(text, style, weight) {
    ruler.font = weight + " " + style.fontSize + " " + style.fontFamily;
    return ruler.measureText(text).width;
  }
  function fitsHalf(cell, half) {
    if (!cell.hasAttribute("data-label") || cell.colSpan !== 1) return false;
    if (cell.querySelector("a[href], button, input, select, textarea, ul, ol, br, details, progress")) return false;
    var style = getComputedStyle(cell);
    if (style.display === "none" || style.position === "absolute") return false;
    var padding = parseFloat(style.paddingLeft) + parseFloat(style.paddingRight);
    var room = half - padding - parseFloat(style.fontSize) * 0.75 - 4; // the label's margin, and a little slack
    return width(cell.getAttribute("data-label"), style, 600) + width(shownText(cell), style, style.fontWeight) <= room;
  }
  function pair(table) {
    table.querySelectorAll(".table-stack-half").forEach(function (cell) {
      cell.classList.remove("table-stack-half");
    });
    if (!PHONE.matches) return;
    var half = table.getBoundingClientRect().width / 2;
    Array.prototype.forEach.call(table.querySelectorAll(":scope > tbody > tr, :scope > tfoot > tr"), function (row) {
      var waiting = null;
      Array.prototype.forEach.call(row.cells, function (cell) {
        var style = getComputedStyle(cell);
        if (style.display === "none" || style.position === "absolute") return; // not on the card
        if (cell.tagName === "TD" && fitsHalf(cell, half)) {
          if (waiting) {
            waiting.classList.add("table-stack-half");
            cell.classList.add("table-stack-half");
            waiting = null;
          } else waiting = cell;
        } else waiting = null;
      });
    });
  }

  // The cells of a group of rows placed on a grid: grid[row][column] is the cell covering that place.
  function grid(rows) {
    var places = [];
    Array.prototype.forEach.call(rows, function (row, r) {
      places[r] = places[r] || [];
      var column = 0;
      Array.prototype.forEach.call(row.cells, function (cell) {
        while (places[r][column]) column++;
        for (var down = 0; down < Math.max(cell.rowSpan, 1) && r + down < rows.length; down++) {
          places[r + down] = places[r + down] || [];
          for (var across = 0; across < Math.max(cell.colSpan, 1); across++) places[r + down][column + across] = cell;
        }
        column += Math.max(cell.colSpan, 1);
      });
    });
    return places;
  }

  // Each column's label: the texts of the header cells above it, top to bottom, each once.
  function columnLabels(thead) {
    var labels = [];
    grid(thead.rows).forEach(function (row) {
      row.forEach(function (cell, column) {
        var text = shownText(cell, true);
        labels[column] = labels[column] || [];
        if (text && labels[column].indexOf(text) === -1) labels[column].push(text);
      });
    });
    return labels.map(function (texts) {
      return texts.join(" — ");
    });
  }

  function stack(table) {
    if (!table.tHead || table.classList.contains("table-keep")) return;
    var labels = columnLabels(table.tHead);
    if (labels.length < 3) return; // a header and one value per row fit any phone: the table stays a table
    table.setAttribute("role", "table");
    Array.prototype.forEach.call(table.querySelectorAll(":scope > thead, :scope > tbody, :scope > tfoot"), function (group) {
      group.setAttribute("role", "rowgroup");
      var inHead = group === table.tHead;
      Array.prototype.forEach.call(group.rows, function (row) {
        row.setAttribute("role", "row");
      });
      var placed = new Set(); // a cell spanning several places is named once, at its first
      grid(group.rows).forEach(function (row) {
        row.forEach(function (cell, column) {
          if (placed.has(cell)) return;
          placed.add(cell);
          var scope = cell.getAttribute("scope");
          if (cell.tagName === "TD") cell.setAttribute("role", "cell");
          else if (inHead || scope === "col" || scope === "colgroup") cell.setAttribute("role", "columnheader");
          else cell.setAttribute("role", "rowheader");
          if (inHead) return;
          if (cell.colSpan === 1 && labels[column] && !cell.hasAttribute("data-label")) {
            cell.setAttribute("data-label", labels[column]);
          }
          if (cell.tagName === "TD" && !shownText(cell) && !cell.querySelector(SEEN)) cell.classList.add("table-stack-blank");
        });
      });
    });
    table.classList.add("table-stack");
    fold(table, labels);
  }

  // Paired once the page's styles and fonts are in (the cards' widths are then known), and again when the screen
  // turns from or to a phone's width.
  function pairAll() {
    document.querySelectorAll("table.table-stack").forEach(pair);
  }

  // The secondary columns (their header carries data-secondary) folded into one « Détails » per card, on phones.
  function fold(table, labels) {
    var secondary = [];
    grid(table.tHead.rows).forEach(function (row) {
      row.forEach(function (cell, column) {
        if (cell.hasAttribute("data-secondary") && secondary.indexOf(column) === -1) secondary.push(column);
      });
    });
    if (!secondary.length) return;
    var name = table.getAttribute("data-more-label") || "Détails";
    Array.prototype.forEach.call(table.tBodies, function (body) {
      var places = grid(body.rows);
      Array.prototype.forEach.call(body.rows, function (row, r) {
        var list = document.createElement("dl");
        secondary.forEach(function (column) {
          var cell = places[r] && places[r][column];
          if (!cell || cell.parentElement !== row || cell.colSpan !== 1) return;
          cell.classList.add("table-stack-secondary");
          if (!shownText(cell) && !cell.querySelector(SEEN)) return;
          var term = document.createElement("dt");
          term.textContent = labels[column];
          var value = document.createElement("dd");
          Array.prototype.forEach.call(cell.childNodes, function (node) {
            value.appendChild(node.cloneNode(true));
          });
          value.querySelectorAll("[id]").forEach(function (element) {
            element.removeAttribute("id");
          });
          list.appendChild(term);
          list.appendChild(value);
        });
        if (!list.children.length) return;
        var more = document.createElement("td");
        more.className = "table-stack-more";
        more.colSpan = labels.length;
        more.setAttribute("role", "cell");
        var details = document.createElement("details");
        var summary = document.createElement("summary");
        summary.textContent = name;
        var title = row.querySelector("th[role=rowheader]");
        if (title) {
          var hidden = document.createElement("span");
          hidden.className = "visually-hidden";
          hidden.textContent = " : " + shownText(title);
          summary.appendChild(hidden);
        }
        details.appendChild(summary);
        details.appendChild(list);
        more.appendChild(details);
        row.appendChild(more);
      });
    });
  }

  document.querySelectorAll("table.table").forEach(stack);
  if (document.readyState === "complete") pairAll();
  else window.addEventListener("load", pairAll);
  PHONE.addEventListener("change", pairAll);
})();

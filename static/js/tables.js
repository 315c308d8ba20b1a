/* Tables on phones (issue 23, item 7). Every data table (a `table.table` with a <thead> and three columns or more)
   is marked `.table-stack`: below 576 px static/css/asis.css shows each row as a card and each cell as a line,
   labelled with its column's header, so money, status and actions are never scrolled out of sight. This script
   writes those labels: it copies each column's header text into the `data-label` of the column's cells (colspans
   and rowspans counted), and names the roles of the table's parts, which a browser may drop once rows and cells are
   no longer displayed as a table, so that screen readers still read each cell with its header (the <thead> stays in
   the page, out of sight). A table of one or two columns fits any phone and stays as it is, and so does a table
   that must keep its columns (a matrix read across), which carries `.table-keep`.
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
  }

  document.querySelectorAll("table.table").forEach(stack);
})();

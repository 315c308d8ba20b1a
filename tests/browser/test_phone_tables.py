"""Tables on a 375 px phone (issue 23, item 7): no table hides its key columns.

On every page each role opens (tests/page_matrix.py for ASIS, tests/page_matrix_alliances.py for the second alliance
and for its two roles), at 375 px, each visible table of <main> is measured: the width it hides inside the box that
scrolls it sideways (`scrollWidth − clientWidth` of its `.table-responsive`, or what runs past the screen when it has
none), and whether each *key cell* lies inside the visible part of that box. A key cell holds money (`.money`), a
status (`.badge`), an action (a link, a button, a form field) or sits in a column whose header carries `data-key`.

Phones get stacked cards (static/js/tables.js and the `.table-stack` rules of static/css/asis.css): each row a card,
each cell a line labelled with its column's header. A table the script leaves as it is carries `.table-keep`; it may
scroll, but never over a key cell.

The walk over every page is tests/browser/test_every_page_on_a_phone.py (one walk for this, issue 9's fit and the
heights), with `pages_of`, `measure` and `describe` from here. Set PHONE_TABLES_REPORT to a file name to have the measure of every table that hides part of its width written there.
"""

import pytest
from django.conf import settings
from playwright.sync_api import expect

from tests.browser.test_every_page_axe import axe
from tests.browser.test_mobile import PHONE
from tests.page_matrix import MATRIX, NOT_HTML, Page, html_pages, page_url
from tests.page_matrix_alliances import ALL_ROLES, ON_ASIS, ON_SECOND, OTHER_ROLES, second_url

pytestmark = pytest.mark.django_db(transaction=True)

# Each visible table of <main>: what it hides sideways and which key cells lie outside the visible box.
MEASURE_TABLES = """() => {
  const screen = document.documentElement.clientWidth;
  const KEY = 'a[href], button, input:not([type=hidden]), select, textarea, .money, .badge, [data-key]';
  const scroller = (table) => {
    for (let box = table.parentElement; box && box !== document.body; box = box.parentElement) {
      if (['auto', 'scroll', 'hidden'].includes(getComputedStyle(box).overflowX)) return box;
    }
    return null;
  };
  const text = (element) => (element ? element.textContent.replace(/\\s+/g, ' ').trim() : '');
  // the header of each column, colspans counted (the last header row names the column)
  const headers = (table) => {
    const names = [];
    for (const row of table.tHead ? table.tHead.rows : []) {
      let column = 0;
      for (const cell of row.cells) {
        for (let span = 0; span < cell.colSpan; span++) names[column++] = cell;
      }
    }
    return names;
  };
  const measures = [];
  for (const table of document.querySelectorAll('main table')) {
    if (table.closest('.visually-hidden') || table.getClientRects().length === 0) continue;
    const box = scroller(table);
    const frame = (box || table).getBoundingClientRect();
    const left = Math.max(frame.left, 0);
    const right = Math.min(frame.right, screen);
    const width = box ? box.scrollWidth : frame.width;
    const hidden = (box ? box.scrollWidth - box.clientWidth : 0) + Math.max(frame.right - screen, 0) + Math.max(-frame.left, 0);
    const columns = headers(table);
    const hiddenKeys = new Set();
    let keyCells = 0, moneyAligned = 0, moneyCells = 0;
    for (const row of table.rows) {
      if (row.parentElement === table.tHead) continue;
      let column = 0;
      for (const cell of row.cells) {
        const header = columns[column];
        column += cell.colSpan;
        const key = cell.matches('.money, [data-key]') || cell.querySelector(KEY) || (header && header.hasAttribute('data-key'));
        if (!key || cell.getClientRects().length === 0) continue;
        keyCells++;
        if (cell.matches('td.money')) {
          moneyCells++;
          if (['right', 'end'].includes(getComputedStyle(cell).textAlign)) moneyAligned++;
        }
        const place = cell.getBoundingClientRect();
        if (place.left < left - 1 || place.right > right + 1) hiddenKeys.add(text(header) || cell.dataset.label || text(cell).slice(0, 30));
      }
    }
    measures.push({
      name: table.dataset.testid || text(table.caption) || columns.map(text).filter(Boolean).join(' | ').slice(0, 60) || text(table).slice(0, 40),
      width: Math.round(width),
      hidden: Math.max(Math.round(hidden), 0),
      stacked: table.classList.contains('table-stack'),
      keyCells,
      moneyCells,
      moneyAligned,
      hiddenKeys: [...hiddenKeys],
    });
  }
  return measures;
}"""


def pages_of(role: str) -> list[Page]:
    """Every HTML page `role` opens with a 200: ASIS's and the second alliance's, each address once."""
    if role in OTHER_ROLES:
        column = OTHER_ROLES.index(role)
        pages = [
            Page(name, obj, role, page_url(name, obj))
            for name, obj, _answers in MATRIX
            if ON_ASIS[(name, obj)][column] == 200 and name not in NOT_HTML
        ]
    else:
        pages = html_pages(role)
    column = ALL_ROLES.index(role)
    pages += [
        Page(name, obj, role, second_url(name, obj))
        for name, obj, answers in ON_SECOND
        if answers[column] == 200 and name not in NOT_HTML
    ]
    unique = {}
    for target in pages:
        unique.setdefault(target.url, target)
    return list(unique.values())


def measure(page) -> list[dict]:
    return page.evaluate(MEASURE_TABLES)


def describe(target, table) -> str:
    share = round(100 * table["hidden"] / table["width"]) if table["width"] else 0
    line = f"{target}: « {table['name']} » hides {table['hidden']} of {table['width']} px ({share} %)"
    if table["hiddenKeys"]:
        line += f", key columns out of sight: {', '.join(table['hiddenKeys'])}"
    return line


# A wide table with money and an action in its last columns, as the pages wrote them before issue 23.
WIDE_TABLE = """<main><h1>Engagements</h1><div class="table-responsive" tabindex="0"><table class="table {kind}" data-testid="wide">
<caption>Engagements</caption>
<thead><tr><th scope="col"><a href="#tri">Projet</a></th><th scope="col">Organisme responsable</th><th scope="col">Enjeu du plan</th>
<th scope="col" class="text-end">Engagé</th><th scope="col" data-key>Statut</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
<tbody>
<tr><th scope="row"><a href="#p1">Ateliers parents-enfants Bouger en famille</a></th><td>Maison de la famille de Rouyn-Noranda</td>
<td>Sécurité alimentaire et saines habitudes</td><td class="text-end money">12 500,50 $</td><td>Accepté</td>
<td><a class="btn btn-sm btn-primary" href="#v1">Verser</a></td></tr>
<tr><th scope="row">Halte-garderie</th><td>Maison de la famille</td><td><span class="visually-hidden">aucun enjeu</span></td>
<td class="text-end money">0 $</td><td>Déposé</td><td></td></tr>
<tr><td colspan="6">Aucun autre engagement.</td></tr>
</tbody></table></div></main>"""


def open_wide_table(browser, live_server, kind, table=WIDE_TABLE):
    """The wide table (or `table`) on a 375 px page carrying the site's own styles and script, as base.html serves
    them."""
    context = browser.new_context(locale="fr-CA", viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(live_server.url + "/healthz")  # same origin: the styles and the script load as on any page
    static = live_server.url + settings.STATIC_URL
    page.set_content(
        f"""<!doctype html><html lang="fr-CA"><head><title>Tableau</title>
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <link rel="stylesheet" href="{static}vendor/bootstrap/css/bootstrap.min.css">
        <link rel="stylesheet" href="{static}css/asis.css"></head>
        <body>{table.format(kind=kind)}<script src="{static}js/tables.js"></script></body></html>"""
    )
    page.wait_for_load_state("load")
    return context, page


def test_the_measure_sees_a_kept_wide_table_hide_its_money_status_and_action(live_server, browser):
    context, page = open_wide_table(browser, live_server, "table-keep")
    [table] = measure(page)
    assert not table["stacked"]
    assert table["hidden"] > 100
    assert set(table["hiddenKeys"]) >= {"Engagé", "Statut", "Actions"}
    context.close()


def test_a_wide_table_becomes_cards_labelled_by_its_headers_on_a_phone(live_server, browser):
    context, page = open_wide_table(browser, live_server, "")
    [table] = measure(page)
    assert table["stacked"] and table["hidden"] == 0 and table["hiddenKeys"] == []
    assert table["keyCells"] == 6  # the first project's link, money, status and action; the second's money and status
    wide = page.get_by_test_id("wide")
    money = wide.locator("td.money").first
    assert money.get_attribute("data-label") == "Engagé"
    # the label is shown before the amount, the amount stays right-aligned
    assert (
        page.evaluate("(cell) => getComputedStyle(cell, '::before').content", money.element_handle()).find("Engagé")
        >= 0
    )
    assert money.evaluate("(cell) => getComputedStyle(cell).textAlign") in ("right", "end")
    # a header hidden on screen (« Actions ») labels nothing on screen; a cell across the row gets no label
    assert wide.locator("td").nth(4).get_attribute("data-label") is None
    assert wide.locator("td[colspan]").get_attribute("data-label") is None
    # the headers stay in the page for screen readers, and each cell is still read with its column's header
    expect(page.get_by_role("columnheader", name="Engagé")).to_be_attached()
    expect(page.get_by_role("row", name="Ateliers parents-enfants Bouger en famille")).to_be_visible()
    # the label drawn before the amount is not read a second time: the cell is named by its amount alone
    expect(page.get_by_role("cell", name="12 500,50 $", exact=True)).to_be_visible()
    assert axe(page) == []
    # a cell showing nothing (its text is for screen readers only) takes no line of the card, and is still read
    blank = wide.locator("td.table-stack-blank")  # that one, and the second project's empty action
    boxes = [cell.bounding_box() for cell in blank.all()]
    assert len(boxes) == 2 and all(box is None or box["height"] <= 1 for box in boxes)
    expect(page.get_by_role("cell", name="aucun enjeu")).to_be_attached()
    # a link of the header (to sort) is on screen while it has the focus, out of sight otherwise
    header, sort = page.locator("thead"), page.locator("thead a")
    assert header.bounding_box()["width"] <= 1
    sort.focus()
    assert header.bounding_box()["width"] > 1
    box = sort.bounding_box()
    assert box["width"] > 1 and 0 <= box["x"] and box["x"] + box["width"] <= PHONE["width"]
    # wider than a phone, the table is a table again
    page.set_viewport_size({"width": 1280, "height": 900})
    assert money.evaluate("(cell) => getComputedStyle(cell).display") == "table-cell"
    context.close()


# A bilan's project table: its secondary columns (data-secondary) fold into « Détails » on a phone; the dates and
# counts are short enough to share a line of the card.
COMPACT_TABLE = """<main><h1>Projets</h1><div class="table-responsive" tabindex="0"><table class="table {kind}"
data-testid="compact" data-more-label="Détails"><caption>Projets</caption>
<thead><tr><th scope="col">Projet</th><th scope="col" data-secondary>Porteur</th><th scope="col" data-secondary>Partenaires</th>
<th scope="col">Statut</th><th scope="col">Rencontres</th><th scope="col">Présences</th><th scope="col" class="text-end">Engagé</th></tr></thead>
<tbody>
<tr><th scope="row"><a href="#p1">Ateliers parents-enfants</a></th><td>Maison de la famille</td><td><a href="#o2">Carrefour</a></td>
<td><span class="badge text-bg-success">En cours</span></td><td>3</td><td>12</td><td class="text-end money">12 500,50 $</td></tr>
<tr><th scope="row">Halte-garderie</th><td>Maison de la famille</td><td></td><td>Déposé</td><td>1</td>
<td>4</td><td class="text-end money">0,00 $</td></tr>
</tbody></table></div></main>"""


def test_a_phone_card_folds_its_secondary_columns_into_details_and_pairs_its_short_lines(live_server, browser):
    context, page = open_wide_table(browser, live_server, "", table=COMPACT_TABLE)
    [table] = measure(page)
    assert table["stacked"] and table["hidden"] == 0 and table["hiddenKeys"] == []
    compact = page.get_by_test_id("compact")
    first = compact.locator("tbody tr").first
    # the key columns stay on the card: the status and the money; the secondary ones are folded
    expect(first.locator("td.money")).to_be_visible()
    expect(first.locator(".badge")).to_be_visible()
    expect(first.locator("td.table-stack-secondary").first).to_be_hidden()
    fold = first.locator("td.table-stack-more details")
    expect(fold.locator("summary")).to_have_text("Détails : Ateliers parents-enfants")
    expect(fold.get_by_text("Maison de la famille")).to_be_hidden()
    fold.locator("summary").click()
    expect(fold.locator("dt")).to_have_text(["Porteur", "Partenaires"])
    expect(fold.locator("dd").nth(1).get_by_role("link", name="Carrefour")).to_be_visible()
    # the second row has no partner: its fold names the lead only
    expect(compact.locator("tbody tr").nth(1).locator("details dt")).to_have_text(["Porteur"])
    # short cells (the counts, a short status or amount) share a line of the card, two by two, on the screen
    cells = first.locator("td:not(.table-stack-secondary):not(.table-stack-more)")
    boxes = [cell.bounding_box() for cell in cells.all()]
    assert len(boxes) == 4 and len({round(box["y"]) for box in boxes}) < 4
    halves = [cell.bounding_box() for cell in first.locator("td.table-stack-half").all()]
    assert len(halves) % 2 == 0 and all(round(box["y"]) == round(halves[i ^ 1]["y"]) for i, box in enumerate(halves))
    assert all(0 <= box["x"] and box["x"] + box["width"] <= PHONE["width"] + 1 for box in boxes)
    assert axe(page) == []
    # wider than a phone, the columns are in the table again and the fold is gone
    page.set_viewport_size({"width": 1280, "height": 900})
    expect(first.locator("td.table-stack-secondary").first).to_be_visible()
    expect(first.locator("td.table-stack-more")).to_be_hidden()
    context.close()

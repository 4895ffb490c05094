// mopsboard's small bit of behaviour: keyboard triage, card moves, dialogs.
(function () {
  "use strict";

  const typing = (el) => el.closest("input, textarea, select, [contenteditable]");

  // --- The menu on a narrow screen: a button opens it, Escape closes it -----------------
  const menuButton = document.querySelector(".menu-button");
  if (menuButton) {
    const menu = document.getElementById(menuButton.getAttribute("aria-controls"));
    const setMenu = (open) => menuButton.setAttribute("aria-expanded", String(open));
    menuButton.hidden = false;
    setMenu(false);
    menuButton.addEventListener("click", () => setMenu(menuButton.getAttribute("aria-expanded") !== "true"));
    document.addEventListener("keydown", (event) => {
      const account = document.activeElement.closest("details.account[open]");
      if (event.key === "Escape" && account) {
        account.open = false;
        account.querySelector("summary").focus();
        return;
      }
      if (event.key !== "Escape" || menuButton.getAttribute("aria-expanded") !== "true") return;
      if (!menu.contains(document.activeElement) && document.activeElement !== menuButton) return;
      setMenu(false);
      menuButton.focus();
    });
    // On a phone the account's links open under the whole menu: bring them into sight.
    const account = menu.querySelector("details.account");
    account?.addEventListener("toggle", () => {
      if (account.open) account.querySelector(".account-links").scrollIntoView({ block: "nearest" });
    });
  }

  // --- Filters fold away on a narrow screen, unless some are in use --------------------
  if (window.matchMedia("(max-width: 47.99rem)").matches && !window.location.search) {
    document.querySelectorAll("details.filter-fold").forEach((fold) => (fold.open = false));
  }

  // --- The scatter's table: open beside the chart where there is room for it ----------
  document.addEventListener("htmx:load", (event) => {
    if (!window.matchMedia("(min-width: 64rem)").matches) return;
    event.detail.elt.querySelectorAll("details.scatter-table").forEach((table) => (table.open = true));
  });

  // --- "?" and other dialogs ---------------------------------------------------------
  document.addEventListener("click", (event) => {
    const opener = event.target.closest("[data-open-dialog]");
    if (opener) document.getElementById(opener.dataset.openDialog).showModal();
  });

  // --- "Copy" next to a value to take away (a new API token) -------------------------
  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-copy]");
    if (!button) return;
    const field = document.getElementById(button.dataset.copy);
    field.select();
    navigator.clipboard.writeText(field.value).then(() => {
      button.textContent = "Copied";
    });
  });

  // A refusal the page itself finds, in the messages (a live region, so it is read out).
  function say(text) {
    const box = document.getElementById("messages");
    if (!box) return;
    const message = document.createElement("p");
    message.className = "message message-error";
    message.textContent = text;
    box.replaceChildren(message);
  }

  function toggleDialog(id) {
    const dialog = document.getElementById(id);
    if (!dialog) return;
    dialog.open ? dialog.close() : dialog.showModal();
  }

  // --- Triage: j/k to move, two digits to score, d to defer, x to decline -------------
  const rows = () => Array.from(document.querySelectorAll(".triage-row"));

  function currentRow() {
    return document.activeElement && document.activeElement.closest(".triage-row");
  }

  function focusRow(row) {
    if (!row) return;
    row.focus();
    row.scrollIntoView({ block: "nearest" });
  }

  function step(offset) {
    const all = rows();
    const index = all.indexOf(currentRow());
    focusRow(all[Math.min(Math.max(index + offset, 0), all.length - 1)] || all[0]);
  }

  function score(row, digit) {
    const form = row.querySelector(".score-form");
    if (!form) return;
    if (row.dataset.impact) {
      // Effort's buttons send the score, as a tap on one does.
      form.querySelector(`button[name="effort"][value="${digit}"]`).click();
      return;
    }
    form.querySelector(`input[name="impact"][value="${digit}"]`).checked = true;
    row.dataset.impact = digit;
    row.classList.add("half-scored");
  }

  function clearScore(row) {
    delete row.dataset.impact;
    row.classList.remove("half-scored");
    row.querySelectorAll(".score-form input[type=radio]").forEach((radio) => (radio.checked = false));
  }

  // A half-entered score belongs to the row it was typed on: moving to another row (j/k,
  // a click, Tab) forgets it, so the next digit there is not taken as its effort.
  document.addEventListener("focusin", (event) => {
    const row = event.target.closest(".triage-row");
    if (!row) return;
    document.querySelectorAll(".triage-row.half-scored").forEach((other) => {
      if (other !== row) clearScore(other);
    });
  });

  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key === "?" && !typing(event.target)) {
      const dialog = document.querySelector("dialog[id$='-keys']");
      if (dialog) {
        event.preventDefault();
        toggleDialog(dialog.id);
      }
      return;
    }
    if (!document.querySelector("[data-triage]") || typing(event.target)) return;
    const row = currentRow();
    if (event.key === "j" || event.key === "ArrowDown") return event.preventDefault(), step(1);
    if (event.key === "k" || event.key === "ArrowUp") return event.preventDefault(), step(-1);
    if (!row) return;
    if (/^[1-5]$/.test(event.key)) return event.preventDefault(), score(row, event.key);
    if (event.key === "Escape") return clearScore(row);
    if (event.key === "d") {
      const defer = row.querySelector("[data-action=defer]");
      if (defer) defer.click();
      return;
    }
    if (event.key === "g") {
      const opener = row.querySelector("[data-goal-picker]");
      if (!opener) return;
      event.preventDefault();
      openGoalPicker(opener);
      return;
    }
    if (event.key === "x") {
      const details = row.querySelector("details.decline");
      if (!details) return;
      event.preventDefault();
      details.open = true;
      details.querySelector("input[name=reason]").focus();
    }
  });

  // When a triaged row leaves, keep the keyboard where it was: on the next request.
  // When it comes back with an error, stay on it, in its reason box if that was open.
  let nextFocus = null;
  let refocusRowId = null;
  document.addEventListener("htmx:beforeSwap", (event) => {
    const target = event.detail.target;
    if (!target || !target.classList.contains("triage-row")) return;
    // Linked to a goal, the request stays on screen to be scored: the keyboard stays on it.
    const keepsRow = event.detail.requestConfig.elt.closest("[data-keeps-row]");
    if (event.detail.xhr.status === 200 && !keepsRow) {
      // The next request may be in the next list (back from deferral, then new ones).
      const all = rows();
      const index = all.indexOf(target);
      nextFocus = all[index + 1] || all[index - 1] || null;
    } else {
      refocusRowId = target.id;
    }
  });
  document.addEventListener("htmx:afterSettle", () => {
    if (refocusRowId) {
      const row = document.getElementById(refocusRowId);
      const reason = row && row.querySelector("details.decline[open] input[name=reason]");
      if (reason) reason.focus();
      else focusRow(row);
      refocusRowId = null;
    }
    if (nextFocus && nextFocus.isConnected && !document.activeElement.closest(".triage-row")) {
      focusRow(nextFocus);
    }
    nextFocus = null;
    // The page is triaged: fetch the next batch (or the empty inbox) in its place.
    const list = document.getElementById("triage-list");
    if (list && !list.querySelector(".triage-row, .empty")) {
      htmx.ajax("GET", window.location.pathname + window.location.search, {
        target: "#triage-list",
        swap: "outerHTML",
      })
        .then(() => focusRow(document.querySelector(".triage-row")));
    }
  });

  // --- The goal picker: a listbox of active goals and their steps ----------------------
  // A button with data-goal-picker="<form id>" opens it; typing narrows the list, the
  // arrows choose, Enter (or a click) fills the form's [data-picked] fields and sends it.
  // Escape closes it; either way the keyboard goes back where it was (the request, the card).
  let pickerForm = null;
  let pickerHome = null;

  function pickerOptions(dialog) {
    return Array.from(dialog.querySelectorAll("[role=option]")).filter((option) => !option.hidden);
  }

  function pickerActive(dialog, option) {
    dialog.querySelectorAll("[role=option]").forEach((other) => {
      other.setAttribute("aria-selected", String(other === option));
    });
    const input = dialog.querySelector("[role=combobox]");
    if (option) {
      input.setAttribute("aria-activedescendant", option.id);
      option.scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function pickerNarrow(dialog) {
    const words = dialog.querySelector("[role=combobox]").value.trim().toLowerCase();
    dialog.querySelectorAll("[role=option]").forEach((option) => {
      option.hidden = !option.textContent.toLowerCase().includes(words);
    });
    pickerActive(dialog, pickerOptions(dialog)[0]);
  }

  function openGoalPicker(opener) {
    const dialog = document.getElementById("goal-picker");
    pickerForm = document.getElementById(opener.dataset.goalPicker);
    if (!dialog || !pickerForm) return;
    const card = pickerForm.elements.task && document.getElementById(`task-${pickerForm.elements.task.value}`);
    pickerHome = opener.closest(".triage-row") || card || opener;
    const named = opener.dataset.pickerFor || (card && `“${card.querySelector(".card-title").textContent}”`);
    dialog.querySelector("[data-picker-for]").textContent = named || "";
    const input = dialog.querySelector("[role=combobox]");
    if (input) input.value = "";
    if (input) pickerNarrow(dialog);
    dialog.showModal();
  }

  function pickGoal(option) {
    const form = pickerForm;
    form.querySelectorAll("[data-picked]").forEach((field) => {
      field.value = field.dataset.picked === option.dataset.field ? option.dataset.value : "";
    });
    document.getElementById("goal-picker").close();
    form.requestSubmit();
  }

  document.addEventListener("click", (event) => {
    const opener = event.target.closest("[data-goal-picker]");
    if (opener) {
      event.preventDefault();
      openGoalPicker(opener);
      return;
    }
    const option = event.target.closest("#goal-picker [role=option]");
    if (option) pickGoal(option);
  });

  document.addEventListener("input", (event) => {
    if (event.target.matches("#goal-picker [role=combobox]")) pickerNarrow(event.target.closest("dialog"));
  });

  document.addEventListener("keydown", (event) => {
    if (!event.target.matches || !event.target.matches("#goal-picker [role=combobox]")) return;
    const dialog = event.target.closest("dialog");
    const options = pickerOptions(dialog);
    const active = options.indexOf(dialog.querySelector("[role=option][aria-selected=true]"));
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      const step = event.key === "ArrowDown" ? 1 : -1;
      pickerActive(dialog, options[Math.min(Math.max(active + step, 0), options.length - 1)]);
    } else if (event.key === "Enter") {
      event.preventDefault();
      if (options[active]) pickGoal(options[active]);
    }
  });

  // The dialog closes (Escape, Cancel, or a pick): back to the request or the card.
  document.addEventListener(
    "close",
    (event) => {
      if (event.target.id !== "goal-picker") return;
      if (pickerHome && pickerHome.isConnected) pickerHome.focus();
    },
    true,
  );

  // --- Filters: one edit, one request and one history entry -------------------------
  // Enter after the typed search has already run, or the search's delayed request after a
  // box was ticked, would ask again for what is shown: a second history entry, and Back
  // would seem to do nothing.
  // The search box sends itself as you type; its "change" on leaving it would send the
  // form again. Stopped here rather than by an htmx trigger filter, which needs eval.
  document.addEventListener(
    "change",
    (event) => {
      if (event.target.matches("form.filters input[name=q]")) event.stopPropagation();
    },
    true,
  );

  document.addEventListener("htmx:confirm", (event) => {
    const form = event.detail.elt;
    if (!form.matches("form.filters") || event.detail.path !== window.location.pathname) return;
    const asked = new URLSearchParams(new FormData(form)).toString();
    if (asked === new URLSearchParams(window.location.search).toString()) event.preventDefault();
  });

  // --- Board: drag a card, or Shift+arrows, to move it to another quadrant ------------
  function quadrantSlug(highImpact, highEffort) {
    if (highImpact) return highEffort ? "major-project" : "quick-win";
    return highEffort ? "money-pit" : "fill-in";
  }

  // Every way of moving a card fills in the board's one move form and submits it.
  function prepareMove(card) {
    const form = document.getElementById("card-move");
    if (!form) return null;
    form.elements.task.value = card.dataset.taskId;
    form.elements.version.value = card.dataset.version;
    const goalLink = document.getElementById("card-goal-link");
    if (goalLink) goalLink.elements.task.value = card.dataset.taskId;
    form.querySelector("[data-card-title]").textContent = card.querySelector(".card-title").textContent;
    form.querySelectorAll("button[name=quadrant]").forEach((button) => {
      button.hidden = button.value === card.closest("[data-quadrant]").dataset.quadrant;
    });
    return form;
  }

  function moveCard(card, slug) {
    const form = prepareMove(card);
    if (form) form.querySelector(`button[value="${slug}"]`).click();
  }

  // The "Move…" button opens the form as a popover (natively); point it at this card.
  document.addEventListener("click", (event) => {
    const button = event.target.closest(".card-move-button");
    if (button) prepareMove(button.closest(".card"));
  });

  document.addEventListener("keydown", (event) => {
    const card = event.target.closest && event.target.closest(".card");
    if (!card || event.target !== card || !event.shiftKey) return;
    const from = card.closest("[data-quadrant]").dataset.quadrant;
    let highImpact = from === "quick-win" || from === "major-project";
    let highEffort = from === "major-project" || from === "money-pit";
    if (event.key === "ArrowUp") highImpact = true;
    else if (event.key === "ArrowDown") highImpact = false;
    else if (event.key === "ArrowRight") highEffort = true;
    else if (event.key === "ArrowLeft") highEffort = false;
    else return;
    event.preventDefault();
    const to = quadrantSlug(highImpact, highEffort);
    if (to !== from) moveCard(card, to);
  });

  // A drag is a shortcut to a form (the board's move, the horizon's): Sortable moves the
  // dragged element, `onDrop` submits the form, and the page is drawn again from the answer.
  function dragToMove(list, options) {
    if (!window.Sortable) return null;
    return window.Sortable.create(list, {
      // Pointer events instead of native HTML5 drag-and-drop: the same on touch
      // screens, and what browser automation (our journey tests) can drive.
      forceFallback: true,
      ...options,
    });
  }

  function initSortable(root) {
    root.querySelectorAll("ol.cards[data-sortable=true]").forEach((list) => {
      dragToMove(list, {
        group: "board",
        draggable: ".card",
        // Only the grip starts a drag, so a finger on the rest of a card scrolls the page.
        handle: ".card-handle",
        onEnd: (event) => {
          if (event.from === event.to) return;
          moveCard(event.item, event.to.dataset.quadrant);
        },
      });
    });
  }

  document.addEventListener("htmx:load", (event) => initSortable(event.detail.elt));

  // --- Board on a phone: one quadrant at a time, chosen from the switcher -------------
  // The choice outlives a redraw (a filter, a move) and a visit to a task page; a card
  // just moved is shown where it landed. Wider screens show all four whatever is chosen.
  const SHOWN_QUADRANT = "mopsboard:board-quadrant";

  function showQuadrant(board, slug) {
    board.dataset.showing = slug;
    board.querySelectorAll("[data-show-quadrant]").forEach((button) => {
      button.setAttribute("aria-pressed", String(button.dataset.showQuadrant === slug));
    });
    sessionStorage.setItem(SHOWN_QUADRANT, slug);
  }

  function initSwitcher(root) {
    const board = root.closest("#board-quadrants") || root.querySelector("#board-quadrants");
    if (!board) return;
    const quadrants = Array.from(board.querySelectorAll(":scope > .quadrant"), (q) => q.dataset.quadrant);
    const moved = board.querySelector(".just-moved");
    const remembered = sessionStorage.getItem(SHOWN_QUADRANT);
    if (moved) showQuadrant(board, moved.closest("[data-quadrant]").dataset.quadrant);
    else if (quadrants.includes(remembered)) showQuadrant(board, remembered);
    else if (quadrants.length) showQuadrant(board, quadrants[0]);
  }
  document.addEventListener("htmx:load", (event) => initSwitcher(event.detail.elt));

  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-show-quadrant]");
    if (button) showQuadrant(button.closest("#board-quadrants"), button.dataset.showQuadrant);
  });

  // After a move or a plan the board is redrawn: put focus back on the card.
  let movedCardId = null;
  document.addEventListener("htmx:beforeRequest", (event) => {
    const form = event.detail.elt.closest && event.detail.elt.closest("#card-move, #card-goal-link");
    if (form) movedCardId = `task-${form.elements.task.value}`;
  });
  document.addEventListener("htmx:afterSettle", (event) => {
    // The move's answer, not the team's hours arriving after the page meanwhile.
    const elt = event.detail.requestConfig?.elt;
    if (!movedCardId || !elt?.closest("#card-move, #card-goal-link")) return;
    const card = document.getElementById(movedCardId);
    if (card) card.focus();
    movedCardId = null;
  });

  // --- RACI matrix: a WAI-ARIA grid. Arrows move, letters set a role, Enter opens the menu.
  const ROLE_KEYS = { r: "R", a: "A", c: "C", i: "I" };

  function cellAt(cell, rowOffset, columnOffset) {
    const row = cell.parentElement;
    const rows = Array.from(row.parentElement.rows);
    const column = Array.from(row.cells).indexOf(cell) + columnOffset;
    const target = rows[rows.indexOf(row) + rowOffset];
    const next = target && target.cells[column];
    return next && next.dataset.personId ? next : null;
  }

  function focusCell(cell) {
    if (!cell) return;
    document.querySelectorAll("td[data-person-id][tabindex='0']").forEach((other) => (other.tabIndex = -1));
    cell.tabIndex = 0;
    cell.focus();
  }

  function prepareCell(cell) {
    const form = document.getElementById("raci-cell-form");
    if (!form) return null;
    form.elements.task.value = cell.dataset.taskId;
    form.elements.person.value = cell.dataset.personId;
    form.elements.expected.value = cell.dataset.role;
    form.setAttribute("hx-target", `#${cell.id}`);
    const row = cell.parentElement.querySelector("th[scope=row] a, th[scope=row]");
    const column = cell.closest("table").tHead.rows[0].cells[cell.cellIndex];
    form.querySelector("[data-cell-title]").textContent =
      `${row.textContent.trim()} — ${column.firstChild.textContent.trim()}`;
    return form;
  }

  function setRole(cell, role) {
    const form = prepareCell(cell);
    if (form) form.querySelector(`button[name=role][value="${role}"]`).click();
  }

  function initGrid(root) {
    const grid = root.querySelector && root.querySelector("[data-raci-grid]");
    const first = grid && grid.querySelector("td[data-person-id]");
    if (first && !grid.querySelector("td[data-person-id][tabindex='0']")) first.tabIndex = 0;
  }
  document.addEventListener("htmx:load", (event) => initGrid(event.detail.elt));

  document.addEventListener("click", (event) => {
    const cell = event.target.closest("[data-raci-grid] td[data-person-id]");
    if (!cell || !prepareCell(cell)) return;
    focusCell(cell);
    document.getElementById("raci-cell-form").showPopover();
  });

  document.addEventListener("keydown", (event) => {
    const cell = event.target.closest && event.target.closest("[data-raci-grid] td[data-person-id]");
    if (!cell || event.ctrlKey || event.metaKey || event.altKey) return;
    const moves = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
    if (moves[event.key]) {
      event.preventDefault();
      focusCell(cellAt(cell, ...moves[event.key]));
    } else if (event.key === "Enter" || event.key === " ") {
      event.preventDefault();
      prepareCell(cell);
      document.getElementById("raci-cell-form").showPopover();
    } else if (event.key === "Backspace" || event.key === "Delete") {
      event.preventDefault();
      setRole(cell, "");
    } else if (event.key === "A" && event.shiftKey) {
      event.preventDefault();
      setRole(cell, "A/R");
    } else if (ROLE_KEYS[event.key]) {
      event.preventDefault();
      setRole(cell, ROLE_KEYS[event.key]);
    }
  });

  // htmx keeps focus on a swapped cell (same id). A 409 for A opens the confirm dialog;
  // once it is answered, the keyboard goes back to the cell that was being set.
  let confirmedCellId = null;
  document.addEventListener("htmx:beforeRequest", (event) => {
    const form = event.detail.elt.closest && event.detail.elt.closest("#raci-confirm form");
    if (form) confirmedCellId = `raci-cell-${form.elements.task.value}-${form.elements.person.value}`;
  });
  document.addEventListener("htmx:afterSettle", (event) => {
    const confirm = document.getElementById("raci-confirm");
    if (event.detail.target === confirm) {
      confirm.showModal();
      return;
    }
    const menu = document.getElementById("raci-cell-form");
    // Only the menu's own answer closes it: the page's later parts (the team's hints)
    // may arrive while it is open.
    if (menu && menu.matches(":popover-open") && menu.contains(event.detail.requestConfig?.elt)) {
      // Chosen from the menu: close it and put the keyboard back on the (new) cell.
      menu.hidePopover();
      focusCell(document.querySelector(menu.getAttribute("hx-target")));
    }
    if (confirmedCellId && document.getElementById(confirmedCellId)) {
      if (confirm.open) confirm.close();
      focusCell(document.getElementById(confirmedCellId));
      confirmedCellId = null;
    }
  });
  document.addEventListener("click", (event) => {
    if (event.target.closest("[data-close-dialog]")) event.target.closest("dialog").close();
  });

  // --- A task page's RACI: the grid's letters on a person's row, arrows between people ---
  function personLetter(row, role) {
    const button = row.querySelector(`button[name=role][value="${role}"]`);
    if (button) button.click();
  }

  function focusPerson(row) {
    if (!row) return;
    (row.querySelector("button[aria-pressed=true]") || row.querySelector("button[name=role]")).focus();
  }

  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const search = event.target.closest && event.target.closest("#people-search input");
    if (search && event.key === "ArrowDown") {
      event.preventDefault();
      focusPerson(document.querySelector("#people-found [data-raci-keys]"));
      return;
    }
    const row = event.target.closest && event.target.closest("[data-raci-keys]");
    if (!row || typing(event.target)) return;
    const rows = Array.from(document.querySelectorAll("#task-raci [data-raci-keys]"));
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      focusPerson(rows[rows.indexOf(row) + (event.key === "ArrowDown" ? 1 : -1)]);
    } else if (event.key === "Backspace" || event.key === "Delete") {
      event.preventDefault();
      personLetter(row, "");
    } else if (event.key === "A" && event.shiftKey) {
      event.preventDefault();
      personLetter(row, "A/R");
    } else if (ROLE_KEYS[event.key]) {
      event.preventDefault();
      personLetter(row, ROLE_KEYS[event.key]);
    }
  });

  // --- The horizon (/plan/): arrows from cell to cell, a task moved by keys or a drag ---
  // One cell at a time is in the Tab order (a roving tabindex): the open one, or the first.
  const HORIZON_CELL = ".horizon td[data-person-id] > a";

  function roveTo(link) {
    link.closest(".horizon").querySelectorAll(HORIZON_CELL).forEach((other) => (other.tabIndex = -1));
    link.tabIndex = 0;
  }

  document.addEventListener("focusin", (event) => {
    const link = event.target.closest && event.target.closest(HORIZON_CELL);
    if (link) roveTo(link);
  });

  document.addEventListener("keydown", (event) => {
    const link = event.target.closest && event.target.closest(HORIZON_CELL);
    if (!link || event.shiftKey || event.ctrlKey || event.metaKey || event.altKey) return;
    const moves = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
    if (!moves[event.key]) return;
    event.preventDefault();
    const next = cellAt(link.parentElement, ...moves[event.key]);
    if (next) next.querySelector("a").focus();
  });

  // Every way of moving a task fills in its own menu and submits it: the week its hours in
  // the open cell go to (the rest of its weeks go along).
  function moveTask(task, week) {
    const form = task.querySelector("form");
    const option = form && Array.from(form.elements.week.options).find((o) => o.value === week);
    if (!option || week === form.elements.from_week.value) return;
    form.elements.week.value = week;
    form.querySelector("button:not([name])").click();
  }

  document.addEventListener("keydown", (event) => {
    const task = event.target.closest && event.target.closest(".cell-task");
    if (!task || !event.shiftKey || typing(event.target)) return;
    if (event.key !== "ArrowLeft" && event.key !== "ArrowRight") return;
    const form = task.querySelector("form");
    if (!form) return;
    event.preventDefault();
    const weeks = Array.from(form.elements.week.options, (option) => option.value);
    const later = (event.key === "ArrowRight") === (getComputedStyle(task).direction !== "rtl");
    const here = weeks.indexOf(form.elements.from_week.value);
    const week = here < 0 ? undefined : weeks[here + (later ? 1 : -1)];
    const title = task.querySelector("a").textContent;
    if (week) moveTask(task, week);
    else say(`“${title}” stays: the horizon shows no week ${later ? "after" : "before"} this one to move it to.`);
  });

  // Drawn again (a move, the page with a cell open), the grid starts at its first week:
  // the open cell is scrolled back into sight within it, beside the names rather than
  // under them. Only the grid scrolls, not the page, where the keyboard may be on a task.
  function revealInGrid(cell) {
    const grid = cell.closest(".horizon-scroll");
    const names = cell.parentElement.cells[0].getBoundingClientRect();
    const view = grid.getBoundingClientRect();
    const box = cell.getBoundingClientRect();
    const rtl = getComputedStyle(grid).direction === "rtl";
    const [start, end] = rtl ? [view.left, names.left] : [names.right, view.right];
    if (box.left < start) grid.scrollLeft += box.left - start;
    else if (box.right > end) grid.scrollLeft += box.right - end;
  }

  // The open cell's tasks drag onto another week of their row.
  let horizonDrops = [];
  function initHorizon(root) {
    const grid = root.closest("#horizon-grid") || root.querySelector("#horizon-grid");
    if (!grid) return;
    const open = grid.querySelector("#horizon-cell[data-open]");
    const links = grid.querySelectorAll(HORIZON_CELL);
    const opened = open && document.getElementById(`cell-${open.dataset.open}`);
    const current = opened || links[0];
    if (current) roveTo(current);
    // The open cell is marked, so the room sees which cell the tasks below are from.
    grid.querySelector(".horizon [aria-current]")?.removeAttribute("aria-current");
    opened?.setAttribute("aria-current", "true");
    if (opened) revealInGrid(opened.parentElement);
    horizonDrops.forEach((drop) => drop?.destroy());
    horizonDrops = [];
    const list = opened && open.querySelector(".cell-tasks");
    const menu = list && list.querySelector(".cell-task form");
    if (!menu) return;
    const weeks = Array.from(menu.elements.week.options, (option) => option.value);
    opened.closest("tr").querySelectorAll("td[data-week]").forEach((cell) => {
      if (!weeks.includes(cell.dataset.week)) return;
      horizonDrops.push(dragToMove(cell, { group: { name: "horizon", pull: false }, sort: false }));
    });
    horizonDrops.push(
      dragToMove(list, {
        group: { name: "horizon", put: false },
        sort: false,
        draggable: ".cell-task",
        handle: ".cell-task-handle",
        onEnd: (event) => {
          if (event.from === event.to) return;
          // Back where it was until the answer draws the grid again.
          event.from.insertBefore(event.item, event.from.children[event.oldIndex] || null);
          moveTask(event.item, event.to.dataset.week);
        },
      }),
    );
  }
  document.addEventListener("htmx:load", (event) => initHorizon(event.detail.elt));

  // A cell opened (a click, a tap, Enter): its tasks, drawn under the grid, come into sight.
  document.addEventListener("htmx:afterSettle", (event) => {
    if (!event.detail.requestConfig?.elt?.matches?.(HORIZON_CELL)) return;
    document.getElementById("horizon-cell")?.scrollIntoView({ block: "nearest" });
  });

  // After a change from the open cell or the due dates at risk the grid is drawn again:
  // the keyboard stays on the task (in the cell it went to, or still at risk), or on the
  // cell or the list when the task is no longer there.
  const HORIZON_FORMS = "#horizon-cell form, #due-dates-at-risk form";
  let horizonReturn = null;
  document.addEventListener("htmx:beforeRequest", (event) => {
    const form = event.detail.elt.closest && event.detail.elt.closest(HORIZON_FORMS);
    if (!form) return;
    const task = form.elements.task.value;
    horizonReturn = form.closest("#horizon-cell")
      ? [event.detail.elt, `#cell-task-${task}`, "#horizon-cell"]
      : [event.detail.elt, `#at-risk-${task} button`, "#due-dates-at-risk"];
  });
  document.addEventListener("htmx:afterSettle", (event) => {
    // The answer to the latest change, not one on its way before it (the cell opening, a
    // move whose warning the lead has already answered).
    if (!horizonReturn || event.detail.requestConfig?.elt !== horizonReturn[0]) return;
    const [, task, list] = horizonReturn;
    horizonReturn = null;
    // htmx puts the keyboard back on a task drawn again with its id as it swaps, before
    // this: a key pressed since (Shift+Tab to the warning's way out) is the lead's to keep.
    if (document.querySelector(list)?.contains(document.activeElement)) return;
    (document.querySelector(task) || document.querySelector(list))?.focus();
  });

  // --- Weekly review, presentation mode: step through the people and the agenda -----
  // J/K, the arrow keys or a presenter's clicker (PageDown/PageUp) move the keyboard from
  // one person's bar or agenda section to the next; Escape leaves presentation mode.
  const REVIEW_STEPS = { j: 1, ArrowDown: 1, PageDown: 1, k: -1, ArrowUp: -1, PageUp: -1 };

  document.addEventListener("keydown", (event) => {
    if (!document.body.classList.contains("presenting")) return;
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
    if (event.key === "Escape") {
      const leave = document.querySelector("[data-leave-presentation]");
      if (leave) leave.click();
      return;
    }
    const offset = REVIEW_STEPS[event.key];
    if (!offset) return;
    event.preventDefault();
    const stops = Array.from(document.querySelectorAll("[data-review-stop]")).filter(
      (stop) => stop.getClientRects().length,
    );
    // Where the keyboard is: the last stop at or before the focused element.
    const focused = document.activeElement;
    const here = stops.findLastIndex(
      (stop) => stop === focused || stop.compareDocumentPosition(focused) & Node.DOCUMENT_POSITION_FOLLOWING,
    );
    const next = stops[Math.min(Math.max(here + offset, 0), stops.length - 1)];
    if (!next) return;
    next.focus({ preventScroll: true });
    next.scrollIntoView({ block: "nearest" });
  });

  // A fill-in planned or dismissed, or a due date at risk planned before it: the load and
  // the agenda (or My work's lists) are drawn again, the agenda's peaks and risks a moment
  // later. The keyboard goes back to the section it was in (a stop of presentation mode)
  // once that is in.
  const REVIEW_SECTIONS = "#spare-hours, #my-spare-hours, [data-agenda]";
  let reviewSection = null;
  document.addEventListener("htmx:beforeRequest", (event) => {
    const form = event.detail.elt.closest?.(`:is(${REVIEW_SECTIONS}) form`);
    const section = form?.closest(REVIEW_SECTIONS);
    if (!section) return;
    const selector = section.id ? `#${section.id}` : `[data-agenda="${section.dataset.agenda}"]`;
    reviewSection = { selector, before: section };
  });
  document.addEventListener("htmx:afterSettle", () => {
    // The section drawn again, not the one still on the page before the answer came.
    const section = reviewSection && document.querySelector(reviewSection.selector);
    if (!section || section === reviewSection.before) return;
    section.focus();
    reviewSection = null;
  });

  // --- Undo: the message after a change offers it for a few seconds; z presses it -----
  // The server refuses a late undo all the same; the button leaves when its time is up.
  function armUndo() {
    document.querySelectorAll("form.undo[data-undo-seconds]:not([data-armed])").forEach((form) => {
      form.dataset.armed = "";
      setTimeout(() => form.remove(), Number(form.dataset.undoSeconds) * 1000);
    });
  }
  armUndo();
  // htmx:load comes for every piece htmx puts in the page, the messages swapped in out of band too.
  document.addEventListener("htmx:load", armUndo);

  document.addEventListener("keydown", (event) => {
    if (event.key !== "z" || event.ctrlKey || event.metaKey || event.altKey) return;
    if (typing(event.target)) return;
    const undo = document.querySelector("#messages form.undo button");
    if (!undo) return;
    event.preventDefault();
    undo.click();
  });

  // Errors htmx does not swap (403, 404, 500) still tell the person what happened.
  document.addEventListener("htmx:responseError", (event) => {
    const status = event.detail.xhr.status;
    say(
      status === 403 ? "Your role can't do that." :
      status === 404 ? "That item no longer exists. Reload the page." :
      `Something went wrong (${status}). Nothing was saved; try again.`,
    );
  });
})();

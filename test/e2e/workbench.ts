// Drives the VS Code workbench in headless Chromium the way a user does: activity bar, command
// palette, quick inputs, tree rows, context menus, notifications, webviews. Every wait is on
// something visible in the page, never on a clock.
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser, FrameLocator, Locator, Page } from 'playwright-core';
import { chromiumBin, repoRoot } from './code-server';

export const screenshotDir = join(repoRoot, 'test-output');

/** Generous upper bound for anything the editor does on 2 shared cores; a failsafe, not an assertion. */
const patience = 60_000;

export interface TreeRow {
  label: string;
  description: string;
  /** Nesting level as VS Code reports it (aria-level, 1 = top). */
  level: number;
  expanded: boolean | undefined;
}

export class Workbench {
  private constructor(
    private readonly browser: Browser,
    readonly page: Page,
  ) {}

  static async open(url: string): Promise<Workbench> {
    const browser = await chromium.launch({
      executablePath: chromiumBin,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.setDefaultTimeout(patience);
    await page.goto(url);
    await page.locator('.monaco-workbench').waitFor();
    // The status bar shows up once the workbench has restored its parts; only then do clicks land.
    await page.locator('#workbench\\.parts\\.statusbar').waitFor();
    return new Workbench(browser, page);
  }

  async close(): Promise<void> {
    await this.browser.close();
  }

  /** Reloads the page (a new window on the same server), e.g. to see what survives a reload. */
  async reload(): Promise<void> {
    await this.page.reload();
    await this.page.locator('.monaco-workbench').waitFor();
    await this.page.locator('#workbench\\.parts\\.statusbar').waitFor();
  }

  /**
   * Shows a view container by clicking its activity bar entry (found by aria-label). Clicking the
   * entry of the container already shown would hide it, so a shown one is left alone; if the
   * workbench was still restoring and the click hid it after all, the palette's idempotent
   * "View: Show ..." command brings it back.
   */
  async openView(label: string): Promise<Locator> {
    const sidebar = this.page.locator('#workbench\\.parts\\.sidebar');
    const entry = this.page
      .locator('.activitybar .action-item')
      .filter({ has: this.page.locator(`a[aria-label^="${label}"]`) })
      .first();
    await entry.waitFor();
    const title = sidebar.locator('.composite.title h2').filter({ hasText: new RegExp(`^${escapeRegExp(label)}$`, 'i') });
    if (await title.isVisible()) return sidebar;
    await entry.locator('a').first().click();
    // Settled: either our container is shown, or the side bar is hidden.
    await this.page.waitForFunction((name) => {
      const bar = document.getElementById('workbench.parts.sidebar');
      const h2 = bar?.querySelector('.composite.title h2');
      const visible = !!bar && bar.offsetParent !== null && bar.getBoundingClientRect().width > 0;
      return !visible || (h2?.textContent ?? '').trim().toLowerCase() === name.toLowerCase();
    }, label);
    if (!(await title.isVisible())) await this.runCommand(`View: Show ${label}`);
    await title.waitFor();
    return sidebar;
  }

  /** Drags the side bar's edge so that it is `width` pixels wide (for screenshots that show whole rows). */
  async resizeSideBar(width: number): Promise<void> {
    const box = await this.page.locator('#workbench\\.parts\\.sidebar').boundingBox();
    if (!box) return;
    const edge = box.x + box.width;
    const y = box.y + box.height / 2;
    await this.page.mouse.move(edge, y);
    await this.page.mouse.down();
    await this.page.mouse.move(box.x + width, y, { steps: 8 });
    await this.page.mouse.up();
  }

  /** Collapses the side bar pane `name` (its header), leaving the room to the others; a collapsed one stays so. */
  async collapsePane(name: string): Promise<void> {
    const header = this.pane(name).locator('.pane-header').first();
    await header.waitFor();
    if ((await header.getAttribute('aria-expanded')) === 'true') await header.click();
    await this.page.waitForFunction(
      (n) =>
        Array.from(document.querySelectorAll('.pane-header')).some(
          (h) => (h.getAttribute('aria-label') ?? '').startsWith(n) && h.getAttribute('aria-expanded') === 'false',
        ),
      name,
    );
  }

  /** The pane (view) inside the side bar whose header says `name`. */
  pane(name: string): Locator {
    return this.page.locator('#workbench\\.parts\\.sidebar .pane').filter({ has: this.page.locator(`.pane-header[aria-label^="${name}"]`) });
  }

  /** Runs a command by its palette title ("Registry Explorer: Log In"), as a user would with F1. */
  async runCommand(title: string): Promise<void> {
    await this.page
      .locator('.monaco-workbench')
      .click({ position: { x: 700, y: 400 }, force: true })
      .catch(() => undefined);
    await this.page.keyboard.press('F1');
    const input = this.quickInputBox();
    await input.waitFor();
    await input.fill(`>${title}`);
    const row = this.quickPickRow(title, true);
    await row.waitFor();
    await row.click();
  }

  private quickInputWidget(): Locator {
    return this.page.locator('.quick-input-widget');
  }

  private quickInputBox(): Locator {
    return this.quickInputWidget().locator('.quick-input-box input');
  }

  private quickPickRow(label: string, exact = false): Locator {
    const rows = this.quickInputWidget().locator('.quick-input-list .monaco-list-row');
    return exact
      ? rows.filter({ has: this.page.locator('.label-name', { hasText: new RegExp(`^${escapeRegExp(label)}$`) }) })
      : rows.filter({ hasText: label });
  }

  /** Waits for a quick input whose prompt, placeholder or title mentions `prompt`; says whether it masks input. */
  async waitForQuickInput(prompt: string | RegExp): Promise<{ password: boolean }> {
    const source = typeof prompt === 'string' ? escapeRegExp(prompt) : prompt.source;
    await this.page.waitForFunction((re) => {
      const widget = Array.from(document.querySelectorAll<HTMLElement>('.quick-input-widget')).find((w) => w.style.display !== 'none');
      const input = widget?.querySelector<HTMLInputElement>('.quick-input-box input');
      if (!widget || !input) return false;
      const texts = [
        input.placeholder,
        input.getAttribute('aria-label') ?? '',
        widget.querySelector('.quick-input-message')?.textContent ?? '',
        widget.querySelector('.quick-input-title')?.textContent ?? '',
      ];
      return texts.some((t) => new RegExp(re).test(t));
    }, source);
    return { password: (await this.quickInputBox().getAttribute('type')) === 'password' };
  }

  /** Types into the open quick input (an InputBox, or a QuickPick's filter) and presses Enter. */
  async typeAndAccept(prompt: string | RegExp, text: string): Promise<{ password: boolean }> {
    const info = await this.waitForQuickInput(prompt);
    const input = this.quickInputBox();
    await input.fill(text);
    await input.press('Enter');
    return info;
  }

  /**
   * Answers an Open dialog with a file's path. In the browser the workbench draws it as a quick input
   * (its "simple" file dialog) whose box holds a path: the path is typed there and accepted.
   */
  async chooseFile(title: string | RegExp, path: string): Promise<void> {
    await this.waitForQuickInput(title);
    const input = this.quickInputBox();
    const rows = this.quickInputWidget().locator('.quick-input-list .monaco-list-row');
    const boxHolds = (p: string): Promise<unknown> =>
      this.page.waitForFunction((v) => document.querySelector<HTMLInputElement>('.quick-input-widget .quick-input-box input')?.value === v, p, {
        timeout: 10_000,
      });
    // The dialog fills the box with its starting folder and lists it (".." first) after it shows; what is
    // typed before that is lost. It can still redo that once, so a path it dropped is typed again.
    await rows.filter({ hasText: '..' }).first().waitFor();
    const name = path.slice(path.lastIndexOf('/') + 1);
    for (let attempt = 0; ; attempt++) {
      await input.fill(path);
      try {
        await boxHolds(path);
        // The list shows the folder's files once the dialog has caught up with what was typed.
        await rows.filter({ hasText: name }).first().waitFor({ timeout: 10_000 });
        await boxHolds(path);
        // Its OK button (labelled with the dialog's openLabel) accepts the path in the box.
        await this.quickInputWidget().locator('.monaco-button').filter({ visible: true }).first().click();
        await this.waitForQuickInputTitleGone(title, 10_000);
        return;
      } catch (error) {
        if (attempt >= 2) throw error;
      }
    }
  }

  /** Waits until no visible quick input has `title` as its title (the next prompt may open at once). */
  private async waitForQuickInputTitleGone(title: string | RegExp, timeout?: number): Promise<void> {
    const source = typeof title === 'string' ? escapeRegExp(title) : title.source;
    await this.page.waitForFunction(
      (re) => {
        const widget = Array.from(document.querySelectorAll<HTMLElement>('.quick-input-widget')).find((w) => w.style.display !== 'none');
        return !widget || !new RegExp(re).test(widget.querySelector('.quick-input-title')?.textContent ?? '');
      },
      source,
      timeout === undefined ? {} : { timeout },
    );
  }

  /** Picks the item labelled `label` in the open QuickPick. */
  async pick(prompt: string | RegExp, label: string): Promise<void> {
    await this.waitForQuickInput(prompt);
    const row = this.quickPickRow(label);
    // A long list draws only the rows in view: filter by the label when the row is not drawn.
    if (!(await row.first().isVisible())) await this.quickInputBox().fill(label);
    await row.first().click();
  }

  /** Ticks the given items of a multi-select QuickPick (canPickMany) by their checkbox and accepts it. */
  async pickMany(prompt: string | RegExp, labels: string[]): Promise<void> {
    await this.waitForQuickInput(prompt);
    // VS Code 1.100 draws the checkbox as .monaco-checkbox; older builds as an input.
    for (const label of labels)
      await this.quickPickRow(label).first().locator('.monaco-checkbox, .quick-input-list-checkbox, input[type=checkbox]').first().click();
    await this.quickInputBox().press('Enter');
  }

  async waitForQuickInputClosed(): Promise<void> {
    await this.quickInputWidget()
      .filter({ visible: true })
      .waitFor({ state: 'detached' })
      .catch(async () => {
        await this.quickInputWidget().waitFor({ state: 'hidden' });
      });
  }

  /** The rows a tree view currently renders (virtualized: only what fits in the pane). */
  async readTreeRows(paneName: string): Promise<TreeRow[]> {
    const rows = this.pane(paneName).locator('.monaco-list-row');
    return rows.evaluateAll((els) =>
      els.map((el) => ({
        label: (el.querySelector('.label-name')?.textContent ?? '').trim(),
        description: (el.querySelector('.label-description')?.textContent ?? '').trim(),
        level: Number(el.getAttribute('aria-level') ?? '1'),
        expanded: el.getAttribute('aria-expanded') === null ? undefined : el.getAttribute('aria-expanded') === 'true',
      })),
    );
  }

  /** A tree row whose label is exactly `label`. */
  treeRow(paneName: string, label: string): Locator {
    return this.pane(paneName)
      .locator('.monaco-list-row')
      .filter({ has: this.page.locator('.label-name', { hasText: new RegExp(`^\\s*${escapeRegExp(label)}\\s*$`) }) })
      .first();
  }

  /**
   * Expands a collapsed tree row and waits until it says so. A click that lands while the row is
   * drawn again (its details or trust verdict arriving) can be lost, as it would be for a user, who
   * clicks again: so does this, while the row still says collapsed and is not loading its children.
   */
  async expand(paneName: string, label: string): Promise<void> {
    const expanded = this.pane(paneName)
      .locator('.monaco-list-row[aria-expanded="true"]')
      .filter({ has: this.page.locator('.label-name', { hasText: label }) })
      .first();
    const clicks = 3;
    for (let click = 1; ; click++) {
      const row = this.treeRow(paneName, label);
      await row.waitFor();
      const loading = (await row.locator('.codicon-tree-item-loading').count()) > 0;
      if ((await row.getAttribute('aria-expanded')) !== 'true' && !loading) {
        await this.dismissHover();
        await row.locator('.monaco-tl-twistie').click();
      }
      try {
        await expanded.waitFor(click < clicks ? { timeout: 15_000 } : undefined);
        return;
      } catch (error) {
        if (click >= clicks) throw error;
      }
    }
  }

  /** Collapses an expanded tree row. */
  async collapse(paneName: string, label: string): Promise<void> {
    const row = this.treeRow(paneName, label);
    if ((await row.getAttribute('aria-expanded')) === 'true') await row.locator('.monaco-tl-twistie').click();
    await this.pane(paneName)
      .locator('.monaco-list-row[aria-expanded="false"]')
      .filter({ has: this.page.locator('.label-name', { hasText: label }) })
      .first()
      .waitFor();
  }

  /**
   * Right-clicks `row` and chooses `item` from its context menu. The item is reached with the
   * arrow keys: a click that lands while the menu is still opening is ignored by the workbench.
   */
  async contextMenu(row: Locator, item: string): Promise<void> {
    await this.dismissHover();
    await row.click({ button: 'right' });
    const menu = this.page.locator('.context-view .monaco-menu');
    await menu.locator('.action-item').first().waitFor();
    const labels = await menu.locator('.action-item:not(.disabled) .action-label').allInnerTexts();
    const index = labels.findIndex((l) => l.trim() === item);
    if (index < 0) throw new Error(`context menu has no "${item}" (it has: ${labels.join(', ')})`);
    for (let i = 0; i <= index; i++) await this.page.keyboard.press('ArrowDown');
    await menu.locator('.action-item.focused .action-label', { hasText: item }).waitFor();
    await this.page.keyboard.press('Enter');
    await menu.waitFor({ state: 'detached' });
  }

  /**
   * Moves the mouse off the tree and waits for a row's hover tooltip to close: on a loaded machine a
   * tooltip of the row the mouse last passed can still cover the next row clicked.
   */
  async dismissHover(): Promise<void> {
    await this.page.mouse.move(150, 15);
    await this.page
      .locator('.context-view .hover-contents, .monaco-hover, .workbench-hover')
      .filter({ visible: true })
      .first()
      .waitFor({ state: 'hidden', timeout: 5000 })
      .catch(() => undefined);
  }

  /**
   * Hovers `row` until its tooltip shows `text`. A hover that starts while the row is drawn again, or
   * while another tooltip is closing, shows nothing: the mouse then leaves and comes back, as a user's would.
   */
  async hoverFor(row: Locator, text: string | RegExp): Promise<Locator> {
    const tooltip = this.page.locator('.monaco-hover, .workbench-hover', { hasText: text }).first();
    const tries = 3;
    for (let attempt = 1; ; attempt++) {
      await this.dismissHover();
      await row.hover();
      try {
        await tooltip.waitFor(attempt < tries ? { timeout: 15_000 } : undefined);
        return tooltip;
      } catch (error) {
        if (attempt >= tries) throw error;
      }
    }
  }

  /** Clicks an inline action (the icons on a hovered row), found by its title. */
  async rowAction(row: Locator, title: string): Promise<void> {
    await row.hover();
    await row.locator(`.actions .action-label[aria-label^="${title}"]`).first().click();
  }

  /** Waits for a notification toast containing `text` and returns it. */
  async waitForNotification(text: string | RegExp): Promise<Locator> {
    const toast = this.page.locator('.notifications-toasts .notification-toast').filter({ hasText: text }).first();
    try {
      await toast.waitFor({ timeout: 20_000 });
      return toast;
    } catch {
      // VS Code can hold a toast back (seen right after a modal dialog closed); every notification
      // is still listed in the notification center, so look there before giving up.
      await this.runCommand('Notifications: Show Notifications');
      const item = this.page.locator('.notifications-center .notification-list-item').filter({ hasText: text }).first();
      await item.waitFor();
      return item;
    }
  }

  /** Closes every notification, so the next one shows as a toast of its own. */
  async clearNotifications(): Promise<void> {
    await this.runCommand('Notifications: Clear All Notifications');
    await this.page.locator('.notifications-toasts .notification-toast').first().waitFor({ state: 'detached' });
    if (await this.page.locator('.notifications-center.visible').count()) await this.runCommand('Notifications: Hide Notifications').catch(() => undefined);
  }

  /** Clicks a button (e.g. "Open Log") on a notification. */
  async notificationAction(toast: Locator, button: string): Promise<void> {
    await toast.locator('.monaco-button', { hasText: button }).first().click();
  }

  /** Clicks a button of a modal dialog (the confirmations of destructive actions). */
  async dialogButton(label: string): Promise<string> {
    const dialog = this.page.locator('.monaco-dialog-box');
    await dialog.waitFor();
    const message = await dialog.locator('.dialog-message-container').innerText();
    await dialog
      .locator('.monaco-button', { hasText: new RegExp(`^${escapeRegExp(label)}$`) })
      .first()
      .click();
    return message;
  }

  /**
   * A webview's content frame. In code-server a webview is an iframe (the host) that holds
   * another iframe (#active-frame) with the extension's HTML.
   */
  async webview(title: string): Promise<FrameLocator> {
    await this.page.locator('.tab', { hasText: title }).first().waitFor();
    return this.page.frameLocator('iframe.webview.ready').last().frameLocator('#active-frame');
  }

  /** For afterEach: what the page looked like when a test failed is the first thing to look at. */
  async screenshotIfFailed(t: { name: string }): Promise<void> {
    // `passed` is on TestContext since Node 20.16; @types/node 20 does not declare it yet.
    if ((t as { passed?: boolean }).passed !== false) return;
    await this.screenshot(`failed-${t.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}`).catch(() => undefined);
  }

  /**
   * Saves a screenshot in test-output/; with `readme` (a file in media/), UPDATE_README_SCREENSHOTS=1 also
   * makes it the README's picture, so the README shows what the suite last saw.
   */
  async screenshot(name: string, readme?: string): Promise<string> {
    mkdirSync(screenshotDir, { recursive: true });
    const path = join(screenshotDir, `${name}.png`);
    await this.page.screenshot({ path });
    if (readme && process.env.UPDATE_README_SCREENSHOTS) copyFileSync(path, join(repoRoot, 'media', readme));
    return path;
  }
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

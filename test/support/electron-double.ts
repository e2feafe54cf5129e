/**
 * A test double of the part of Electron's API the shell uses, because the
 * Electron binary cannot run in these tests. vitest.config.ts maps the
 * module "electron" to this file. Each class records its calls and has
 * helpers to emit the events Electron would; `resetElectronDouble()`
 * starts every test from a clean state.
 */
import { EventEmitter } from "node:events";
import { existsSync } from "node:fs";
import { pathToFileURL } from "node:url";

/** An Electron event object whose default action a listener can prevent. */
export class PreventableEvent {
  defaultPrevented = false;

  constructor(fields: Record<string, unknown> = {}) {
    Object.assign(this, fields);
  }

  preventDefault(): void {
    this.defaultPrevented = true;
  }
}

/** A preventable event with navigation details, as `will-navigate` receives. */
export type NavigationEvent = PreventableEvent & { url: string };

class FakeApp extends EventEmitter {
  singleInstanceLock = true;
  readonly paths = new Map<string, string>();
  appPath = "/nonexistent/tokentap";
  quitCalls = 0;
  exitCodes: number[] = [];
  readonly dock = { hidden: false, hide: () => void (this.dock.hidden = true) };
  private exitWaiters: Array<(code: number) => void> = [];

  requestSingleInstanceLock(): boolean {
    return this.singleInstanceLock;
  }

  whenReady(): Promise<void> {
    return Promise.resolve();
  }

  getPath(name: string): string {
    const path = this.paths.get(name);
    if (!path) throw new Error(`electron double: app path "${name}" not set`);
    return path;
  }

  setPath(name: string, path: string): void {
    this.paths.set(name, path);
  }

  getAppPath(): string {
    return this.appPath;
  }

  getVersion(): string {
    return "0.0.0-test";
  }

  quit(): void {
    this.quitCalls += 1;
  }

  exit(code = 0): void {
    this.exitCodes.push(code);
    for (const waiter of this.exitWaiters.splice(0)) waiter(code);
  }

  /** Resolves with the code of the next `app.exit` call. */
  nextExit(): Promise<number> {
    return new Promise((resolve) => this.exitWaiters.push(resolve));
  }

  /** Emits a preventable event, as Electron does for `before-quit`. */
  emitPreventable(name: string, ...args: unknown[]): PreventableEvent {
    const event = new PreventableEvent();
    this.emit(name, event, ...args);
    return event;
  }

  reset(): void {
    this.removeAllListeners();
    this.singleInstanceLock = true;
    this.paths.clear();
    this.appPath = "/nonexistent/tokentap";
    this.quitCalls = 0;
    this.exitCodes = [];
    this.dock.hidden = false;
    this.exitWaiters = [];
  }
}

class FakeWebRequest {
  headerListeners: Array<{ filter: unknown; listener: unknown }> = [];

  onHeadersReceived(filter: unknown, listener: unknown): void {
    this.headerListeners.push({ filter, listener });
  }
}

class FakeSession {
  readonly webRequest = new FakeWebRequest();
  permissionHandler: unknown = null;

  setPermissionRequestHandler(handler: unknown): void {
    this.permissionHandler = handler;
  }
}

let nextWebContentsId = 1;

/** A page's web contents: records what main sends and the window open handler. */
export class FakeWebContents extends EventEmitter {
  readonly id = nextWebContentsId++;
  readonly session = session.defaultSession;
  readonly sent: Array<{ channel: string; args: unknown[] }> = [];
  readonly scripts: string[] = [];
  windowOpenHandler: ((details: { url: string }) => unknown) | null = null;
  url = "about:blank";
  destroyed = false;

  get mainFrame(): { url: string } {
    return { url: this.url };
  }

  getURL(): string {
    return this.url;
  }

  isDestroyed(): boolean {
    return this.destroyed;
  }

  send(channel: string, ...args: unknown[]): void {
    this.sent.push({ channel, args });
    if (ipcRenderer.attachedTo === this) ipcRenderer.deliver(channel, args);
  }

  executeJavaScript(code: string): Promise<unknown> {
    this.scripts.push(code);
    return Promise.resolve(undefined);
  }

  setWindowOpenHandler(handler: (details: { url: string }) => unknown): void {
    this.windowOpenHandler = handler;
  }

  /** Messages sent on one channel, in order. */
  sentOn(channel: string): unknown[][] {
    return this.sent
      .filter((message) => message.channel === channel)
      .map((message) => message.args);
  }

  /** Emits a navigation event such as `will-navigate` and returns it, to check whether it was prevented. */
  emitNavigation(name: string, url: string): NavigationEvent {
    const event = new PreventableEvent({ url }) as NavigationEvent;
    this.emit(name, event, url);
    return event;
  }
}

/** A window: visibility state and the options it was created with. */
export class FakeBrowserWindow extends EventEmitter {
  static instances: FakeBrowserWindow[] = [];
  readonly webContents = new FakeWebContents();
  readonly options: Record<string, unknown>;
  loadedFile: { path: string; options: unknown } | null = null;
  visible = false;
  minimized = false;
  focused = false;
  destroyed = false;

  constructor(options: Record<string, unknown> = {}) {
    super();
    this.options = options;
    this.visible = options.show !== false;
    FakeBrowserWindow.instances.push(this);
  }

  static getAllWindows(): FakeBrowserWindow[] {
    return FakeBrowserWindow.instances.filter((window) => !window.destroyed);
  }

  loadFile(path: string, options?: { hash?: string }): Promise<void> {
    this.loadedFile = { path, options };
    const hash = options?.hash ? `#${options.hash}` : "";
    this.webContents.url = `${pathToFileURL(path).href}${hash}`;
    return Promise.resolve();
  }

  show(): void {
    this.visible = true;
    this.emit("show");
  }

  hide(): void {
    this.visible = false;
    this.emit("hide");
  }

  focus(): void {
    this.focused = true;
    this.emit("focus");
  }

  minimize(): void {
    this.minimized = true;
    this.emit("minimize");
  }

  restore(): void {
    this.minimized = false;
    this.emit("restore");
  }

  isVisible(): boolean {
    return this.visible;
  }

  isMinimized(): boolean {
    return this.minimized;
  }

  isDestroyed(): boolean {
    return this.destroyed;
  }

  /** Asks to close, as the window's close button does; a listener may prevent it. */
  close(): PreventableEvent {
    const event = new PreventableEvent();
    this.emit("close", event);
    if (!event.defaultPrevented) this.destroy();
    return event;
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.visible = false;
    this.webContents.destroyed = true;
    this.emit("closed");
  }
}

/** An image loaded from a path; empty when the file does not exist, as Electron's is. */
export class FakeNativeImage {
  constructor(readonly path: string) {}

  isEmpty(): boolean {
    return !existsSync(this.path);
  }
}

/** A menu built from a template: the items keep the template's fields, click handlers included. */
export class FakeMenu {
  constructor(readonly items: Array<Record<string, unknown>>) {}

  static buildFromTemplate(template: Array<Record<string, unknown>>): FakeMenu {
    return new FakeMenu(template.map((item) => ({ ...item })));
  }

  /** Labels of all items, separators left out. */
  get labels(): string[] {
    return this.items
      .filter((item) => item.type !== "separator")
      .map((item) => String(item.label));
  }

  /** Returns the first item whose label starts with `prefix`. */
  item(prefix: string): Record<string, unknown> {
    const found = this.items.find((item) =>
      String(item.label ?? "").startsWith(prefix),
    );
    if (!found) {
      throw new Error(
        `no menu item starts with "${prefix}"; items: ${this.labels.join(" | ")}`,
      );
    }
    return found;
  }

  /** Clicks the first item whose label starts with `prefix`. */
  click(prefix: string): void {
    const click = this.item(prefix).click as (() => void) | undefined;
    if (!click) throw new Error(`menu item "${prefix}" has no click handler`);
    click();
  }
}

/** A tray icon: records its image, tooltip and every menu set on it. */
export class FakeTray extends EventEmitter {
  static instances: FakeTray[] = [];
  readonly images: FakeNativeImage[] = [];
  readonly menus: FakeMenu[] = [];
  tooltip = "";
  destroyed = false;

  constructor(image: FakeNativeImage) {
    super();
    this.images.push(image);
    FakeTray.instances.push(this);
  }

  /** The menu set last. */
  get menu(): FakeMenu {
    const menu = this.menus.at(-1);
    if (!menu) throw new Error("no context menu was set on the tray");
    return menu;
  }

  /** Path of the image set last. */
  get imagePath(): string {
    return this.images.at(-1)?.path ?? "";
  }

  setContextMenu(menu: FakeMenu): void {
    this.menus.push(menu);
  }

  setToolTip(text: string): void {
    this.tooltip = text;
  }

  setImage(image: FakeNativeImage): void {
    this.images.push(image);
  }

  destroy(): void {
    this.destroyed = true;
  }
}

type InvokeListener = (event: unknown, ...args: unknown[]) => unknown;

/** The main side of IPC: registered handlers, and helpers that call them as a page would. */
class FakeIpcMain extends EventEmitter {
  readonly handlers = new Map<string, InvokeListener>();

  handle(channel: string, listener: InvokeListener): void {
    if (this.handlers.has(channel)) {
      throw new Error(
        `Attempted to register a second handler for '${channel}'`,
      );
    }
    this.handlers.set(channel, listener);
  }

  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }

  /** Calls the handler of `channel` with `event`, as `ipcRenderer.invoke` would. */
  async invoke(
    channel: string,
    event: SenderEvent,
    ...args: unknown[]
  ): Promise<unknown> {
    const handler = this.handlers.get(channel);
    if (!handler) throw new Error(`No handler registered for '${channel}'`);
    return handler(event, ...args);
  }

  reset(): void {
    this.removeAllListeners();
    this.handlers.clear();
  }
}

/** The sender fields of an IPC event. */
export interface SenderEvent {
  sender: FakeWebContents;
  senderFrame: { url: string } | null;
}

/** Builds the IPC event a page in `contents` sends, from a frame showing `frameUrl`. */
export function senderEvent(
  contents: FakeWebContents,
  frameUrl: string = contents.url,
): SenderEvent {
  return { sender: contents, senderFrame: { url: frameUrl } };
}

/**
 * The page side of IPC. Once attached to a web contents, `invoke` and
 * `send` reach `ipcMain` as messages from that page, and what main sends to
 * the page arrives here.
 */
class FakeIpcRenderer extends EventEmitter {
  attachedTo: FakeWebContents | null = null;

  attach(contents: FakeWebContents): void {
    this.attachedTo = contents;
  }

  invoke(channel: string, ...args: unknown[]): Promise<unknown> {
    return ipcMain.invoke(channel, this.senderEvent(), ...args);
  }

  send(channel: string, ...args: unknown[]): void {
    ipcMain.emit(channel, this.senderEvent(), ...args);
  }

  deliver(channel: string, args: unknown[]): void {
    this.emit(channel, { sender: this }, ...args);
  }

  reset(): void {
    this.removeAllListeners();
    this.attachedTo = null;
  }

  private senderEvent(): SenderEvent {
    if (!this.attachedTo) {
      throw new Error("electron double: ipcRenderer is not attached to a page");
    }
    return senderEvent(this.attachedTo);
  }
}

class FakeContextBridge {
  readonly exposed = new Map<string, unknown>();

  exposeInMainWorld(name: string, api: unknown): void {
    if (this.exposed.has(name)) {
      throw new Error(
        `Cannot bind an API on top of an existing property on the window object: ${name}`,
      );
    }
    this.exposed.set(name, api);
  }
}

export const app = new FakeApp();

export const session = { defaultSession: new FakeSession() };

export const ipcMain = new FakeIpcMain();

export const ipcRenderer = new FakeIpcRenderer();

export const contextBridge = new FakeContextBridge();

export const shell = {
  openedExternal: [] as string[],
  openedPaths: [] as string[],
  /** What `openPath` resolves with: "" for success, else an error message. */
  openPathResult: "",
  openExternal(url: string): Promise<void> {
    this.openedExternal.push(url);
    return Promise.resolve();
  },
  openPath(path: string): Promise<string> {
    this.openedPaths.push(path);
    return Promise.resolve(this.openPathResult);
  },
};

export const dialog = {
  messageBoxes: [] as Array<Record<string, unknown>>,
  errorBoxes: [] as Array<{ title: string; content: string }>,
  showMessageBox(
    options: Record<string, unknown>,
  ): Promise<{ response: number }> {
    this.messageBoxes.push(options);
    return Promise.resolve({ response: 0 });
  },
  showErrorBox(title: string, content: string): void {
    this.errorBoxes.push({ title, content });
  },
};

export const clipboard = {
  text: "",
  writeText(text: string): void {
    this.text = text;
  },
  readText(): string {
    return this.text;
  },
};

export const nativeImage = {
  createFromPath: (path: string) => new FakeNativeImage(path),
};

export const BrowserWindow = FakeBrowserWindow;
export const Tray = FakeTray;
export const Menu = FakeMenu;

/** Clears every recorded call, instance and listener. */
export function resetElectronDouble(): void {
  app.reset();
  ipcMain.reset();
  ipcRenderer.reset();
  contextBridge.exposed.clear();
  session.defaultSession = new FakeSession();
  shell.openedExternal = [];
  shell.openedPaths = [];
  shell.openPathResult = "";
  dialog.messageBoxes = [];
  dialog.errorBoxes = [];
  clipboard.text = "";
  FakeBrowserWindow.instances = [];
  FakeTray.instances = [];
}

export default {
  app,
  session,
  ipcMain,
  ipcRenderer,
  contextBridge,
  shell,
  dialog,
  clipboard,
  nativeImage,
  BrowserWindow,
  Tray,
  Menu,
};

import * as vscode from 'vscode';
import { Disposable } from './disposable';
import { redact } from './redact';

/** The extension's one LogOutputChannel. Everything written is redacted first. */
export class Log extends Disposable {
  private readonly channel: vscode.LogOutputChannel;
  /** Secrets seen this session (passwords typed, tokens read); masked wherever they show up. */
  private readonly secrets = new Set<string>();

  constructor() {
    super();
    this.channel = this.register(vscode.window.createOutputChannel('Registry Explorer', { log: true }));
  }

  /** Remembers a secret so that no later log line can contain it. */
  addSecret(secret: string | undefined): void {
    if (secret) this.secrets.add(secret);
  }

  redact(text: string): string {
    return redact(text, this.secrets);
  }

  trace(message: string): void {
    this.channel.trace(this.redact(message));
  }
  debug(message: string): void {
    this.channel.debug(this.redact(message));
  }
  info(message: string): void {
    this.channel.info(this.redact(message));
  }
  warn(message: string): void {
    this.channel.warn(this.redact(message));
  }
  error(message: string, error?: unknown): void {
    const detail = error instanceof Error && error.stack ? `\n${error.stack}` : '';
    this.channel.error(this.redact(message + detail));
  }

  show(): void {
    this.channel.show(true);
  }
}

/**
 * Settings per resource, pulled with `workspace/configuration` (section `synonymLens`). Answers
 * are memoised per document URI only until the next `workspace/didChangeConfiguration` or the
 * document's close — the pattern of vscode-eslint — so nothing outlives a change.
 */
import type { Connection } from 'vscode-languageserver/node';
import { defaultSettings, holdRestrictedSettings, normalizeSettings, type Settings, type UntrustedSettings } from '../shared/settings';

export class SettingsProvider {
  private readonly byUri = new Map<string, Promise<Settings>>();

  constructor(
    private readonly connection: Connection,
    private readonly supportsConfiguration: boolean,
    /** Untrusted workspace: the restricted settings' values, whatever configuration answers say. */
    private readonly untrusted?: UntrustedSettings,
  ) {}

  get(uri: string): Promise<Settings> {
    let s = this.byUri.get(uri);
    if (!s) {
      s = this.pull(uri);
      this.byUri.set(uri, s);
    }
    return s;
  }

  forget(uri: string): void {
    this.byUri.delete(uri);
  }

  clear(): void {
    this.byUri.clear();
  }

  private async pull(uri: string): Promise<Settings> {
    if (!this.supportsConfiguration) return this.untrusted ? normalizeSettings(holdRestrictedSettings({}, this.untrusted)) : defaultSettings;
    try {
      const raw: unknown = await this.connection.workspace.getConfiguration({ scopeUri: uri, section: 'synonymLens' });
      return normalizeSettings(this.untrusted ? holdRestrictedSettings(raw, this.untrusted) : raw);
    } catch (e) {
      this.connection.console.warn(`Could not read settings for ${uri}: ${String(e)}; using defaults.`);
      return this.untrusted ? normalizeSettings(holdRestrictedSettings({}, this.untrusted)) : defaultSettings;
    }
  }
}

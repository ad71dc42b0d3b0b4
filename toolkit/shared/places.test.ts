// The places and labels tool messages name must exist in the app: this reads the dialogs' source
// (without importing the UI) and fails when a fieldset, section or label is renamed there.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { customToolLabels, mcpServerLabels, places, plannerLabels, settingLabel, settingPlace, toolSettingDescriptions, type ToolSettingKey } from './places.ts';

const settingsDialog = readFileSync(new URL('../../src/ui/settings-dialog.tsx', import.meta.url), 'utf8');
const toolsDialog = readFileSync(new URL('../../src/ui/toolkit-dialog.tsx', import.meta.url), 'utf8');
const app = readFileSync(new URL('../../src/ui/app.tsx', import.meta.url), 'utf8');

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** JSX text that starts with `text`, right after a tag or an attribute such as label="…". */
const shows = (source: string, text: string) => new RegExp(`(>\\s*|label="|aria-label=")${escape(text)}(?!\\w)`).test(source);

describe('places named in tool messages', () => {
  it('are the Settings dialog\'s fieldsets and labels', () => {
    expect(settingsDialog).toContain('aria-label="Settings"');
    expect(shows(app, 'Settings'), 'the Settings button').toBe(true);
    for (const place of [places.toolSettings, places.toolkit, places.plannerEndpoint, places.inBrowserModels, places.solverRole]) {
      const [dialog, legend, label] = place.split(' → ');
      expect(dialog).toBe('Settings');
      expect(settingsDialog, place).toMatch(new RegExp(`<legend>${escape(legend ?? '')}\\b`));
      if (label) expect(shows(settingsDialog, label), place).toBe(true);
    }
    for (const label of Object.values(plannerLabels)) expect(shows(settingsDialog, label), label).toBe(true);
  });

  it('include every tool setting, shown in Settings → Tool settings under its label', () => {
    const fieldset = settingsDialog.slice(settingsDialog.indexOf('<legend>Tool settings</legend>'));
    expect(fieldset.slice(0, 300)).toContain('toolSettingDescriptions.map');
    expect(settingsDialog).toMatch(/\{setting\.label\}/);
    for (const setting of toolSettingDescriptions) {
      expect(settingPlace(setting.key as ToolSettingKey)).toBe(`Settings → Tool settings → ${setting.label}`);
      expect(settingLabel(setting.key as ToolSettingKey)).toBe(setting.label);
    }
  });

  it('are the Tools dialog\'s sections and labels', () => {
    expect(toolsDialog).toContain('aria-label="Tools"');
    expect(shows(app, 'Tools'), 'the Tools button').toBe(true);
    expect(toolsDialog).toMatch(/<h3>Custom tool<\/h3>/);
    expect(toolsDialog).toMatch(/<h3>MCP servers\b/);
    expect(places.customTool).toBe('Tools → Custom tool');
    expect(places.mcpServers).toBe('Tools → MCP servers');
    for (const label of [...Object.values(customToolLabels), ...Object.values(mcpServerLabels)]) expect(shows(toolsDialog, label), label).toBe(true);
  });
});

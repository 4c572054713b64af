export type DeviceKind = 'mobile' | 'tablet' | 'desktop' | 'bot';

export interface DeviceSummary {
  browser: string | null;
  os: string | null;
  kind: DeviceKind;
}

const BROWSERS: [RegExp, string][] = [
  [/EdgA?\/|Edg\//, 'Edge'],
  [/OPR\/|Opera/, 'Opera'],
  [/SamsungBrowser\//, 'Samsung Internet'],
  [/UCBrowser\//, 'UC Browser'],
  [/FxiOS\/|Firefox\//, 'Firefox'],
  [/CriOS\/|Chrome\/|Chromium\//, 'Chrome'],
  [/Version\/[\d.]+.*Safari\//, 'Safari'],
  [/curl\//, 'curl'],
  [/node-fetch|undici|axios|python-requests|Go-http-client/i, 'Script'],
];

const SYSTEMS: [RegExp, string][] = [
  [/Android/, 'Android'],
  [/iPhone|iPad|iPod/, 'iOS'],
  [/CrOS/, 'ChromeOS'],
  [/Windows/, 'Windows'],
  [/Mac OS X|Macintosh/, 'macOS'],
  [/Linux/, 'Linux'],
];

/** A rough, human-friendly summary of a User-Agent header ("Chrome on Android"). */
export function summarizeUserAgent(ua: string | null | undefined): DeviceSummary {
  if (!ua) return { browser: null, os: null, kind: 'desktop' };
  const browser = BROWSERS.find(([re]) => re.test(ua))?.[1] ?? null;
  const os = SYSTEMS.find(([re]) => re.test(ua))?.[1] ?? null;
  let kind: DeviceKind = 'desktop';
  if (/bot|crawler|spider|curl\/|HeadlessChrome/i.test(ua) || browser === 'Script') kind = 'bot';
  else if (/iPad|Tablet/.test(ua) || (/Android/.test(ua) && !/Mobile/.test(ua))) kind = 'tablet';
  else if (/Mobi|iPhone|Android/.test(ua)) kind = 'mobile';
  return { browser, os, kind };
}

/** Runs once before all suites. Browser suites find Chromium themselves (see test/support/browser.ts). */
export default function setup() {}

// Shared launch settings for Debian's Chromium, headless, on a machine
// whose network is closed: no background services, no first-run work.
export const CHROMIUM = process.env.CHROME_PATH || "/usr/bin/chromium";
export const FLAGS = [
  "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
  "--disable-default-apps", "--disable-extensions",
];

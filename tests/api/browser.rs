// Headless Chromium tests live here (see the README test section).

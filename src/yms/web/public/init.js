// Tells GOV.UK Frontend's styles that JavaScript runs (the pages work without it too).
document.body.className += " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");

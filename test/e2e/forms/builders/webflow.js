/*
 * webflow.js's "forms" module (src/js/webflow-forms.js, as bundled into exported sites' webflow.js and readable in
 * many public repositories), submission path rewritten in plain browser JS: on ready every `.w-form form` gets its
 * data (the done and fail blocks, accessibility attributes) and, the html element carrying data-wf-site, the
 * Webflow handler; one submit listener delegated at the document (jQuery `$doc.on('submit', '.w-form form')`, bubble
 * phase) calls it: reset, preventDefault, findFields (each field's data-name or name, trimmed value; required and
 * email checks), disableBtn (the button shows data-wait), a jQuery.ajax POST of {name, source, test, fields,
 * dolphin} (form-urlencoded, XMLHttpRequest) to Webflow's form API, then afterSubmit: on success the done block
 * shown and focused, the fail block hidden, the form hidden, the button reset.
 * Webflow's form API (https://webflow.com/api/v1/form/<site id>) is the stand-in back end here, whose `reply` is
 * the API's answer.
 */
(() => {
  const siteId = document.documentElement.getAttribute('data-wf-site');
  const FORM_API = '/backend/webflow?reply=%7B%22msg%22%3A%22ok%22%2C%22code%22%3A200%7D';
  const emailField = /e(-)?mail/i;
  const emailValue = /^\S+@\S+$/;

  // jQuery's toggle(true/false): show (the display the stylesheet hides becomes block) or hide.
  const toggle = (element, show) => {
    element.style.display = show ? 'block' : 'none';
  };

  const reset = (data) => {
    const button = data.form.querySelector('input[type="submit"]');
    data.btn = button;
    data.wait = button.getAttribute('data-wait') || null;
    data.success = false;
    button.disabled = false;
    if (data.label) button.value = data.label;
  };

  const disableBtn = (data) => {
    data.btn.disabled = true;
    if (data.wait) {
      data.label = data.btn.value;
      data.btn.value = data.wait;
    }
  };

  const getStatus = (field, type, name, value) => {
    if (type === 'password') return 'Passwords cannot be submitted.';
    if (field.hasAttribute('required')) {
      if (!value) return `Please fill out the required field: ${name}`;
      if (emailField.test(field.getAttribute('type')) && !emailValue.test(value)) {
        return `Please enter a valid email address for: ${name}`;
      }
    }
    return null;
  };

  const findFields = (form, result) => {
    let status = null;
    form
      .querySelectorAll('input:not([type="submit"]):not([type="file"]):not([type="button"]), select, textarea')
      .forEach((field, i) => {
        const type = field.getAttribute('type');
        const name = encodeURIComponent(
          field.getAttribute('data-name') || field.getAttribute('name') || `Field ${i + 1}`,
        );
        let value = field.value;
        if (type === 'checkbox') value = field.checked;
        else if (type === 'radio') {
          if (result[name] === null || typeof result[name] === 'string') return;
          value = form.querySelector(`input[name="${field.getAttribute('name')}"]:checked`)?.value || null;
        }
        if (typeof value === 'string') value = value.trim();
        result[name] = value;
        status = status || getStatus(field, type, name, value);
      });
    return status;
  };

  const afterSubmit = (data) => {
    if (data.success && data.redirect) {
      location.href = data.redirect;
      return;
    }
    toggle(data.done, data.success);
    toggle(data.fail, !data.success);
    (data.success ? data.done : data.fail).focus();
    toggle(data.form, !data.success);
    reset(data);
  };

  const preventDefault = (data) => {
    data.evt?.preventDefault();
    data.evt = null;
  };

  const submitWebflow = (data) => {
    reset(data);
    const form = data.form;
    const payload = {
      name: form.getAttribute('data-name') || form.getAttribute('name') || 'Untitled Form',
      source: location.href,
      test: false,
      fields: {},
      dolphin: /pass[\s-_]?(word|code)|secret|login|credentials/i.test(form.innerHTML),
    };
    preventDefault(data);
    const status = findFields(form, payload.fields);
    if (status) {
      alert(status);
      return;
    }
    disableBtn(data);
    // jQuery.param: nested objects as fields[Name]=...
    const body = new URLSearchParams();
    for (const [key, value] of Object.entries(payload)) {
      if (key === 'fields') for (const [field, v] of Object.entries(value)) body.append(`fields[${field}]`, v);
      else body.append(key, value);
    }
    const xhr = new XMLHttpRequest();
    xhr.open('POST', FORM_API);
    xhr.setRequestHeader('Content-Type', 'application/x-www-form-urlencoded; charset=UTF-8');
    xhr.onload = () => {
      data.success = xhr.status >= 200 && xhr.status < 300;
      afterSubmit(data);
    };
    xhr.onerror = () => afterSubmit(data);
    xhr.send(body);
  };

  const forms = new WeakMap();

  const init = (form) => {
    const wrap = form.closest('.w-form');
    const data = {
      form,
      done: wrap.querySelector(':scope > .w-form-done'),
      fail: wrap.querySelector(':scope > .w-form-fail'),
    };
    forms.set(form, data);
    reset(data);
    // Accessibility fixes.
    const formName = form.getAttribute('aria-label') || form.getAttribute('data-name') || 'Form';
    if (!data.done.getAttribute('aria-label')) form.setAttribute('aria-label', formName);
    data.done.setAttribute('tabindex', '-1');
    data.done.setAttribute('role', 'region');
    if (!data.done.getAttribute('aria-label')) data.done.setAttribute('aria-label', `${formName} success`);
    data.fail.setAttribute('tabindex', '-1');
    data.fail.setAttribute('role', 'region');
    if (!data.fail.getAttribute('aria-label')) data.fail.setAttribute('aria-label', `${formName} failure`);
    data.action = form.getAttribute('action');
    data.handler = null;
    data.redirect = form.getAttribute('data-redirect');
    if (data.action) return; // a custom action: the browser posts it
    if (siteId) data.handler = submitWebflow;
  };

  const ready = () => {
    for (const form of document.querySelectorAll('.w-form form')) init(form);
    document.addEventListener('submit', (event) => {
      const form = event.target.closest('.w-form form');
      const data = form && forms.get(form);
      if (data?.handler) {
        data.evt = event;
        data.handler(data);
      }
    });
  };

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', ready);
  else ready();
})();

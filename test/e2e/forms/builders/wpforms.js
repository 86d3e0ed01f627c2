/*
 * WPForms' AJAX submission, rewritten in plain browser JS from assets/js/frontend/wpforms.js of wpforms-lite 1.9.1.4
 * (mirrored publicly in landesberg-design/plugin-wpforms at da71716): loadValidation (jQuery Validate bound to the
 * form, with WPForms' submitHandler), submitHandlerRoutine (the token input, the button disabled with its
 * alt text), formSubmit (the wpformsBeforeFormSubmit event) and formSubmitAjax (FormData of the form plus action,
 * start_timestamp and end_timestamp, POSTed with jQuery.ajax, i.e. XMLHttpRequest; on success the container's HTML
 * becomes the confirmation).
 * jQuery Validate's submit handler, bound on the form, ends with `return false` once the submitHandler ran: jQuery
 * turns that into preventDefault() and stopPropagation(). Before calling the submitHandler it appends a hidden
 * input carrying the clicked submit button's name and value, removed right after. Only the required and email
 * rules this form uses are reproduced.
 */
(() => {
  const settings = window.wpforms_settings;

  const isEmail = (value) => /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value);

  // jQuery Validate: the element checks this form needs (required, email), with WPForms' error placement.
  const validate = (form) => {
    let valid = true;
    for (const element of form.querySelectorAll('input:not([type=hidden]), textarea')) {
      const value = element.value.trim();
      const message =
        element.required && !value
          ? settings.val_required
          : element.type === 'email' && value && !isEmail(value)
            ? settings.val_email
            : '';
      const errorId = element.getAttribute('aria-errormessage');
      form.querySelector(`[id="${errorId}"]`)?.remove();
      element.classList.toggle('wpforms-error', !!message);
      if (message) {
        valid = false;
        element.insertAdjacentHTML(
          'afterend',
          `<em id="${errorId}" class="wpforms-error" role="alert" aria-label="Error message">${message}</em>`,
        );
      }
    }
    return valid;
  };

  const restoreSubmitButton = (form, container) => {
    const submit = form.querySelector('.wpforms-submit');
    if (submit.dataset.submitText) submit.textContent = submit.dataset.submitText;
    submit.disabled = false;
    container.style.opacity = '';
    form.querySelector('.wpforms-submit-spinner').style.display = 'none';
  };

  const triggerEvent = (target, name, detail) => {
    const event = new CustomEvent(name, { bubbles: true, cancelable: true, detail });
    target.dispatchEvent(event);
    return event;
  };

  const formSubmitAjax = (form) => {
    const container = form.closest('.wpforms-container');
    container.style.opacity = 0.6;
    form.querySelector('.wpforms-submit-spinner').style.display = '';
    const formData = new FormData(form);
    formData.append('action', 'wpforms_submit');
    formData.append('start_timestamp', form.dataset.startTimestamp);
    formData.append('end_timestamp', Date.now());
    if (triggerEvent(form, 'wpformsAjaxBeforeSubmit', [form]).defaultPrevented) {
      restoreSubmitButton(form, container);
      return;
    }
    const xhr = new XMLHttpRequest();
    xhr.open('POST', settings.ajaxurl);
    xhr.setRequestHeader('Accept', 'application/json, text/javascript, */*; q=0.01');
    xhr.setRequestHeader('X-Requested-With', 'XMLHttpRequest');
    xhr.onload = () => {
      let json;
      try {
        json = JSON.parse(xhr.responseText);
      } catch {
        console.error('WPForms: the Ajax response is not valid JSON.');
      }
      if (json && xhr.status >= 200 && xhr.status < 300) {
        if (!json.success) {
          triggerEvent(form, 'wpformsAjaxSubmitFailed', json);
        } else {
          triggerEvent(form, 'wpformsAjaxSubmitSuccess', json);
          if (json.data?.redirect_url) {
            window.location = json.data.redirect_url;
            return;
          }
          if (json.data?.confirmation) {
            container.innerHTML = json.data.confirmation;
            triggerEvent(container, 'wpformsAjaxSubmitSuccessConfirmation', json);
          }
        }
      } else {
        triggerEvent(form, 'wpformsAjaxSubmitError', [xhr]);
      }
      restoreSubmitButton(form, container);
      triggerEvent(form, 'wpformsAjaxSubmitCompleted', [xhr]);
    };
    xhr.onerror = () => {
      triggerEvent(form, 'wpformsAjaxSubmitError', [xhr]);
      restoreSubmitButton(form, container);
    };
    xhr.send(formData);
  };

  const formSubmit = (form) => {
    if (triggerEvent(form, 'wpformsBeforeFormSubmit', [form]).defaultPrevented) {
      restoreSubmitButton(form, form.closest('.wpforms-container'));
      return;
    }
    if (form.classList.contains('wpforms-ajax-form')) formSubmitAjax(form);
    else HTMLFormElement.prototype.submit.call(form);
  };

  // WPForms' submitHandler (submitHandlerRoutine).
  const submitHandler = (form) => {
    const submit = form.querySelector('.wpforms-submit');
    if (form.dataset.token && !form.querySelector('.wpforms-token')) {
      const token = document.createElement('input');
      token.type = 'hidden';
      token.className = 'wpforms-token';
      token.name = 'wpforms[token]';
      token.value = form.dataset.token;
      form.append(token);
    }
    submit.disabled = true;
    if (submit.dataset.altText) submit.textContent = submit.dataset.altText;
    formSubmit(form);
  };

  for (const form of document.querySelectorAll('.wpforms-validate')) {
    if (!form.dataset.startTimestamp) form.dataset.startTimestamp = Date.now();
    // jQuery Validate sets novalidate and remembers the submit button clicked.
    form.setAttribute('novalidate', 'novalidate');
    let submitButton = null;
    form.addEventListener('click', (event) => {
      const button = event.target.closest('[type=submit]');
      if (button && form.contains(button)) submitButton = button;
    });
    // jQuery Validate's submit.validate handler: `return false` from a jQuery handler prevents and stops.
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      event.stopPropagation();
      if (!validate(form)) return;
      let hidden = null;
      if (submitButton) {
        hidden = document.createElement('input');
        hidden.type = 'hidden';
        hidden.name = submitButton.name;
        hidden.value = submitButton.value;
        form.append(hidden);
      }
      submitHandler(form);
      hidden?.remove();
    });
  }
})();

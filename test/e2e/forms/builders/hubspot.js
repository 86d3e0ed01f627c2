/*
 * The behaviour of HubSpot's forms script (v2, "FormsNext", proprietary and served minified from js.hsforms.net) for
 * a raw-HTML embed, written in plain browser JS from what is public: the rendered markup (see hubspot.html) and
 * the documented embed behaviour. React handles the form's submit (delegated at the document, bubble phase): the
 * default is prevented, the fields are validated (required fields, the email's format) with the
 * hs-error-msgs list under a failing field, hs_context is refreshed, onFormSubmit runs, the form's fields go to the
 * form's action by XMLHttpRequest (multipart FormData), and on success the form is re-rendered as the
 * submitted-message div carrying the inline thank-you message (onFormSubmitted).
 */
(() => {
  const REQUIRED = 'Please complete this required field.';
  const INVALID_EMAIL = 'Email must be formatted correctly.';

  const showErrors = (form) => {
    let valid = true;
    for (const field of form.querySelectorAll('.hs-form-field')) {
      field.querySelector('.hs-error-msgs')?.remove();
      const input = field.querySelector('.hs-input');
      if (!input) continue;
      const value = input.value.trim();
      const message =
        input.required && !value
          ? REQUIRED
          : input.type === 'email' && value && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value)
            ? INVALID_EMAIL
            : '';
      input.classList.toggle('invalid', !!message);
      input.classList.toggle('error', !!message);
      if (message) {
        valid = false;
        field.insertAdjacentHTML(
          'beforeend',
          `<ul class="no-list hs-error-msgs inputs-list" role="alert"><li><label class="hs-error-msg hs-main-font-element">${message}</label></li></ul>`,
        );
      }
    }
    return valid;
  };

  const refreshContext = (form) => {
    const input = form.querySelector('input[name="hs_context"]');
    const context = JSON.parse(input.value);
    Object.assign(context, { pageUrl: location.href, pageTitle: document.title, timestamp: Date.now() });
    input.value = JSON.stringify(context);
  };

  document.addEventListener('submit', (event) => {
    const form = event.target.closest('form.hs-form');
    if (!form) return;
    event.preventDefault();
    if (form.dataset.submitting) return;
    if (!showErrors(form)) return;
    refreshContext(form);
    form.dataset.submitting = '1';
    const button = form.querySelector('.hs-button');
    button.disabled = true;
    const xhr = new XMLHttpRequest();
    xhr.open('POST', form.getAttribute('action'));
    xhr.onload = () => {
      delete form.dataset.submitting;
      button.disabled = false;
      let response = {};
      try {
        response = JSON.parse(xhr.responseText);
      } catch {}
      if (xhr.status < 200 || xhr.status >= 300) {
        form.insertAdjacentHTML(
          'beforeend',
          '<div class="hs_error_rollup"><ul class="no-list hs-error-msgs inputs-list" role="alert"><li><label class="hs-main-font-element">Please complete all required fields.</label></li></ul></div>',
        );
        return;
      }
      if (response.redirectUri) {
        location.href = response.redirectUri;
        return;
      }
      // React renders the submitted message in place of the form.
      const message = document.createElement('div');
      message.className = `submitted-message hs-main-font-element ${[...form.classList].filter((c) => /^hs-form-/.test(c) && c !== 'hs-form-private').join(' ')}`;
      message.setAttribute('data-reactid', '.hbspt-forms-0');
      message.innerHTML = response.inlineMessage || '<p>Thanks for submitting the form.</p>';
      form.replaceWith(message);
    };
    xhr.onerror = () => {
      delete form.dataset.submitting;
      button.disabled = false;
    };
    xhr.send(new FormData(form));
  });
})();

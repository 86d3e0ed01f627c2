/*
 * Contact Form 7's front-end script, rewritten in plain browser JS from rocklobster-in/contact-form-7 at 00ab820
 * (6.2-dev), includes/js/src/: index.js (init on DOMContentLoaded), init.js (the submit listener that submits and
 * prevents, the reset listener), submit.js (FormData of the form, POSTed with fetch to
 * contact-forms/{id}/feedback; on `mail_sent` the form is reset and the message shown), reset.js, status.js,
 * event.js (the wpcf7* DOM events) and api-fetch.js (root + namespace + endpoint, `?` turned into `&` when the root
 * has a query).
 * Left out, as they do nothing for this form: the SWV schema GET and client-side validation (no schema is needed
 * to send), CAPTCHA/quiz refills, acceptance checkboxes and character counters. The refill request that a reset
 * makes (a GET that only carries CAPTCHA and quiz refills) is answered here with an empty refill, since the
 * stand-in back end answers POSTs only.
 */
(() => {
  const absInt = (string) => Math.abs(Number.parseInt(string, 10));

  const triggerEvent = (target, name, detail) => {
    target.dispatchEvent(new CustomEvent(`wpcf7${name}`, { bubbles: true, detail }));
  };

  const STATUSES = new Map([
    ['init', 'init'],
    ['validation_failed', 'invalid'],
    ['acceptance_missing', 'unaccepted'],
    ['spam', 'spam'],
    ['aborted', 'aborted'],
    ['mail_sent', 'sent'],
    ['mail_failed', 'failed'],
    ['submitting', 'submitting'],
    ['resetting', 'resetting'],
    ['validating', 'validating'],
    ['payment_required', 'payment-required'],
  ]);

  const setStatus = (form, given) => {
    let status = STATUSES.has(given) ? STATUSES.get(given) : given;
    if (![...STATUSES.values()].includes(status)) {
      status = `custom-${status
        .replace(/[^0-9a-z]+/i, ' ')
        .trim()
        .replace(/\s+/, '-')}`;
    }
    const prevStatus = form.getAttribute('data-status');
    form.wpcf7.status = status;
    form.setAttribute('data-status', status);
    form.classList.add(status);
    if (prevStatus && prevStatus !== status) {
      form.classList.remove(prevStatus);
      triggerEvent(form, 'statuschanged', { contactFormId: form.wpcf7.id, status, prevStatus });
    }
    return status;
  };

  const removeValidationError = (form, fieldName) => {
    form.querySelectorAll(`.wpcf7-form-control-wrap[data-name="${fieldName}"]`).forEach((wrap) => {
      wrap.querySelector('.wpcf7-not-valid-tip')?.remove();
      for (const element of wrap.querySelectorAll('[aria-invalid]')) element.setAttribute('aria-invalid', 'false');
      wrap.querySelectorAll('.wpcf7-form-control').forEach((control) => {
        control.removeAttribute('aria-describedby');
        control.classList.remove('wpcf7-not-valid');
      });
    });
  };

  const clearResponse = (form) => {
    form.querySelectorAll('.wpcf7-form-control-wrap').forEach((wrap) => {
      if (wrap.dataset.name) removeValidationError(form, wrap.dataset.name);
    });
    form.wpcf7.parent.querySelector('.screen-reader-response [role="status"]').textContent = '';
    form.querySelectorAll('.wpcf7-response-output').forEach((div) => {
      div.textContent = '';
    });
  };

  // api-fetch.js: middlewares run before the request (submit's and reset's set the status and clear the response).
  const middlewares = [];
  const apiFetch = (options) => {
    const { root, namespace = 'contact-form-7/v1' } = wpcf7.api;
    const fetchHandler = (next) => {
      let { path, endpoint, headers, body, wpcf7: _ignored, ...remaining } = next;
      if (typeof endpoint === 'string') {
        path = `${namespace.replace(/^\/|\/$/g, '')}/${endpoint.replace(/^\//, '')}`;
      }
      if (root.indexOf('?') !== -1) path = path.replace('?', '&');
      const url = root + path.replace(/^\//, '');
      headers = { Accept: 'application/json, */*;q=0.1', ...headers };
      if (next.wpcf7 && next.wpcf7.endpoint === 'refill') {
        // The refill GET (CAPTCHA and quiz refills only): answered here, see the header.
        return Promise.resolve({});
      }
      return window.fetch(url, { ...remaining, headers, body }).then(
        (response) => {
          if (response.status < 200 || response.status >= 300) throw response;
          if (response.status === 204) return null;
          return response.json().catch(() => {
            throw { code: 'invalid_json', message: 'The response is not a valid JSON response.' };
          });
        },
        () => {
          throw { code: 'fetch_error', message: 'You are probably offline.' };
        },
      );
    };
    const enhanced = middlewares.reduceRight((next, middleware) => (opts) => middleware(opts, next), fetchHandler);
    return enhanced(options);
  };
  apiFetch.use = (middleware) => middlewares.unshift(middleware);

  const detailOf = (form, formData) => ({
    contactFormId: form.wpcf7.id,
    pluginVersion: form.wpcf7.pluginVersion,
    contactFormLocale: form.wpcf7.locale,
    unitTag: form.wpcf7.unitTag,
    containerPostId: form.wpcf7.containerPost,
    status: form.wpcf7.status,
    inputs: Array.from(formData, ([name, value]) => (name.match(/^_/) ? false : { name, value })).filter(Boolean),
    formData,
  });

  const submit = (form, options = {}) => {
    const formData = new FormData(form);
    if (options.submitter?.name) formData.append(options.submitter.name, options.submitter.value);
    const detail = detailOf(form, formData);
    apiFetch({
      endpoint: `contact-forms/${form.wpcf7.id}/feedback`,
      method: 'POST',
      body: formData,
      wpcf7: { endpoint: 'feedback', form, detail },
    })
      .then((response) => {
        const status = setStatus(form, response.status);
        detail.status = response.status;
        detail.apiResponse = response;
        if (['invalid', 'unaccepted', 'spam', 'aborted'].includes(status)) triggerEvent(form, status, detail);
        else if (['sent', 'failed'].includes(status)) triggerEvent(form, `mail${status}`, detail);
        triggerEvent(form, 'submit', detail);
        return response;
      })
      .then((response) => {
        if (response.posted_data_hash) {
          form.querySelector('input[name="_wpcf7_posted_data_hash"]').value = response.posted_data_hash;
        }
        if (response.status === 'mail_sent') {
          form.reset();
          form.wpcf7.resetOnMailSent = true;
        }
        form.wpcf7.parent
          .querySelector('.screen-reader-response [role="status"]')
          .insertAdjacentText('beforeend', response.message);
        form.querySelectorAll('.wpcf7-response-output').forEach((div) => {
          div.textContent = response.message;
        });
      })
      .catch((error) => console.error(error));
  };

  apiFetch.use((options, next) => {
    if (options.wpcf7 && options.wpcf7.endpoint === 'feedback') {
      const { form, detail } = options.wpcf7;
      clearResponse(form);
      triggerEvent(form, 'beforesubmit', detail);
      setStatus(form, 'submitting');
    }
    return next(options);
  });

  const reset = (form) => {
    const detail = detailOf(form, new FormData(form));
    apiFetch({
      endpoint: `contact-forms/${form.wpcf7.id}/refill`,
      method: 'GET',
      wpcf7: { endpoint: 'refill', form, detail },
    })
      .then((response) => {
        if (form.wpcf7.resetOnMailSent) {
          delete form.wpcf7.resetOnMailSent;
          setStatus(form, 'mail_sent');
        } else {
          setStatus(form, 'init');
        }
        detail.apiResponse = response;
        triggerEvent(form, 'reset', detail);
      })
      .catch((error) => console.error(error));
  };

  apiFetch.use((options, next) => {
    if (options.wpcf7 && options.wpcf7.endpoint === 'refill') {
      clearResponse(options.wpcf7.form);
      setStatus(options.wpcf7.form, 'resetting');
    }
    return next(options);
  });

  const init = (form) => {
    const formData = new FormData(form);
    form.wpcf7 = {
      id: absInt(formData.get('_wpcf7')),
      status: form.getAttribute('data-status'),
      pluginVersion: formData.get('_wpcf7_version'),
      locale: formData.get('_wpcf7_locale'),
      unitTag: formData.get('_wpcf7_unit_tag'),
      containerPost: absInt(formData.get('_wpcf7_container_post')),
      parent: form.closest('.wpcf7'),
    };
    form.querySelectorAll('.has-spinner').forEach((element) => {
      element.insertAdjacentHTML('afterend', '<span class="wpcf7-spinner"></span>');
    });
    form.addEventListener('reset', () => reset(form));
    form.addEventListener('submit', (event) => {
      submit(form, { submitter: event.submitter });
      event.preventDefault();
    });
  };

  document.addEventListener('DOMContentLoaded', () => {
    for (const form of document.querySelectorAll('.wpcf7 > form')) {
      init(form);
      form.closest('.wpcf7').classList.replace('no-js', 'js');
    }
  });
})();

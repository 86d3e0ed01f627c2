/*
 * Elementor Pro's form-sender handler, rewritten in plain browser JS from
 * modules/forms/assets/js/frontend/handlers/form-sender.js (proelements/proelements at 9ac2bf2, 3.33.1, as built in
 * assets/js/form.151b991a4cbdda620c22.bundle.js): bound with jQuery to each .elementor-form's submit (bubble
 * phase); handleSubmit prevents the default, beforeSend fades the form and disables the button, the FormData of the
 * form plus `action` and `referrer` is POSTed with jQuery.ajax (XMLHttpRequest, processData and contentType off);
 * onSuccess re-enables the button, triggers submit_success, form_destruct and reset (jQuery's trigger('reset') ends
 * by calling the form's native reset()), and appends the success message.
 */
(() => {
  const settings = {
    action: 'elementor_pro_forms_send_form',
    ajaxUrl: window.elementorProFrontend.config.ajaxurl,
  };

  const trigger = (form, name, detail) => {
    form.dispatchEvent(new CustomEvent(name, { bubbles: true, detail }));
    if (name === 'reset') form.reset();
  };

  for (const widget of document.querySelectorAll('.elementor-widget-form')) {
    const form = widget.querySelector('.elementor-form');
    const submitButton = form.querySelector('[type="submit"]');

    const beforeSend = () => {
      form.style.transition = 'opacity 500ms';
      form.style.opacity = '0.45';
      form.classList.add('elementor-form-waiting');
      for (const message of form.querySelectorAll('.elementor-message')) message.remove();
      for (const error of form.querySelectorAll('.elementor-error')) error.classList.remove('elementor-error');
      for (const group of form.querySelectorAll('div.elementor-field-group')) {
        group.classList.remove('error');
        for (const help of group.querySelectorAll('span.elementor-form-help-inline')) help.remove();
        for (const input of group.querySelectorAll('input, textarea, select, button')) {
          input.setAttribute('aria-invalid', 'false');
        }
      }
      submitButton.setAttribute('disabled', 'disabled');
      submitButton
        .querySelector(':scope > span')
        ?.insertAdjacentHTML(
          'afterbegin',
          '<span class="elementor-button-text elementor-form-spinner"><i class="fa fa-spinner fa-spin"></i>&nbsp;</span>',
        );
    };

    const getFormData = () => {
      const formData = new FormData(form);
      formData.append('action', settings.action);
      formData.append('referrer', location.toString());
      return formData;
    };

    const settle = () => {
      submitButton.removeAttribute('disabled');
      submitButton.querySelector('.elementor-form-spinner')?.remove();
      form.style.transition = 'opacity 100ms';
      form.style.opacity = '1';
      form.classList.remove('elementor-form-waiting');
    };

    const onSuccess = (response) => {
      settle();
      if (!response.success) {
        for (const [key, title] of Object.entries(response.data.errors || {})) {
          const parent = form.querySelector(`#form-field-${key}`)?.parentElement;
          parent?.classList.add('elementor-error');
          parent?.insertAdjacentHTML(
            'beforeend',
            `<span class="elementor-message elementor-message-danger elementor-help-inline elementor-form-help-inline" role="alert">${title}</span>`,
          );
        }
        trigger(form, 'error');
        form.insertAdjacentHTML(
          'beforeend',
          `<div class="elementor-message elementor-message-danger" role="alert">${response.data.message}</div>`,
        );
        return;
      }
      trigger(form, 'submit_success', response.data);
      // For actions like redirect page.
      trigger(form, 'form_destruct', response.data);
      trigger(form, 'reset');
      let successClass = 'elementor-message elementor-message-success';
      if (window.elementorFrontendConfig.experimentalFeatures.e_font_icon_svg) successClass += ' elementor-message-svg';
      if (typeof response.data.message !== 'undefined' && response.data.message !== '') {
        form.insertAdjacentHTML(
          'beforeend',
          `<div class="${successClass}" role="alert">${response.data.message}</div>`,
        );
      }
    };

    const onError = (description) => {
      form.insertAdjacentHTML(
        'beforeend',
        `<div class="elementor-message elementor-message-danger" role="alert">${description}</div>`,
      );
      submitButton.innerHTML = submitButton.textContent;
      settle();
      trigger(form, 'error');
    };

    // The redirect handler (form-redirect.js) listens to form_destruct.
    form.addEventListener('form_destruct', (event) => {
      if (typeof event.detail?.data?.redirect_url !== 'undefined') location.href = event.detail.data.redirect_url;
    });

    form.addEventListener('submit', (event) => {
      event.preventDefault();
      if (form.classList.contains('elementor-form-waiting')) return;
      beforeSend();
      const xhr = new XMLHttpRequest();
      xhr.open('POST', settings.ajaxUrl);
      xhr.setRequestHeader('Accept', 'application/json, text/javascript, */*; q=0.01');
      xhr.setRequestHeader('X-Requested-With', 'XMLHttpRequest');
      xhr.onload = () => {
        let response;
        try {
          response = JSON.parse(xhr.responseText);
        } catch {
          onError('parsererror');
          return;
        }
        if (xhr.status >= 200 && xhr.status < 300) onSuccess(response);
        else onError('error');
      };
      xhr.onerror = () => onError('error');
      xhr.send(getFormData());
    });
  }
})();

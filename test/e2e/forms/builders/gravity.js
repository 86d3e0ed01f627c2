/*
 * Gravity Forms' front-end submission flow (since 2.9), rewritten in plain browser JS. Gravity Forms is commercial;
 * this follows its GPL distribution as mirrored publicly in pronamic/gravityforms at 6bd9622 (2.10.2):
 * assets/js/dist/scripts-theme.min.js (window.gform.submission: handleButtonClick, submitForm,
 * getSubmissionMethod, lockSubmission; the "unsupported submission flow" submit listener), js/gravityforms.js
 * (gformInitSpinner, gformShowSpinner, gformRemoveSpinner) and the inline form script that form_display.php prints
 * (the AJAX iframe's load handler), as documented at docs.gravityforms.com (gform.submission, gform/submission/*).
 *
 * The submit button is `<input type="submit" onclick="gform.submission.handleButtonClick(this);">`: the click's
 * default is prevented (with the global `event`, as the original does), the submission is locked, the
 * pre_submission filter shows the spinner, then `jQuery(form).trigger('submit', [true])`: no jQuery submit handler
 * is bound to this form, so jQuery ends by calling the form's native submit() method, which fires no submit event.
 * With the iframe method (AJAX) the form targets a hidden iframe; when that loads the postback, the wrapper is
 * replaced with the confirmation. With the postback method the page navigates.
 */
(() => {
  const filters = {};
  window.gform = window.gform || {};
  const gform = window.gform;

  gform.utils = {
    addFilter(name, callback, priority = 10) {
      filters[name] = filters[name] || [];
      filters[name].push({ callback, priority });
      filters[name].sort((a, b) => a.priority - b.priority);
    },
    async filter({ event, data }) {
      let result = data;
      for (const { callback } of filters[event] || []) result = (await callback(result)) || result;
      return result;
    },
  };

  gform.initializeOnLoaded = (fn) => {
    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', fn);
    else fn();
  };

  const SUBMIT = 'submit';
  const POSTBACK = 'postback';

  const lockSubmission = (form) => {
    const key = `gf_submitting_${form.dataset.formid}`;
    if (window[key]) return false;
    window[key] = true;
    return true;
  };
  const unlockSubmission = (form) => {
    window[`gf_submitting_${form.dataset.formid}`] = false;
  };

  const getSubmissionMethod = (form) =>
    form.querySelector(`[data-js="gform_submission_method_${form.dataset.formid}"]`)?.value || POSTBACK;

  const isVisible = (element) => window.getComputedStyle(element).display !== 'none';
  const isActiveButton = (button) => {
    const page = button.closest('.gform_page');
    return (!page || isVisible(page)) && isVisible(button) && !button.disabled;
  };

  // jQuery(form).trigger('submit', [true]): the inline onsubmit (if any) runs, then the native submit() method.
  const triggerSubmit = (form) => {
    if (typeof form.onsubmit === 'function' && form.onsubmit() === false) return;
    form.submit();
  };

  const submitForm = async (form, submissionType = SUBMIT, submissionMethod = POSTBACK) => {
    const data = await gform.utils.filter({
      event: 'gform/submission/pre_submission',
      data: { form, submissionType, submissionMethod, displayConfirmation: true, abort: false },
    });
    if (data.abort) {
      unlockSubmission(form);
      return;
    }
    await gform.utils.filter({
      event: 'gform/submission/submission_started',
      data: { form, submissionType, submissionMethod },
    });
    console.info(
      `Gravity Forms: Performing ${submissionType} type submission for form #${form.dataset.formid} via ${submissionMethod}.`,
    );
    triggerSubmit(form);
  };

  const handleButtonClick = async (button) => {
    // The original reads the global `event` (the click being dispatched) and cancels it.
    const event = window.event;
    if (event) event.preventDefault();
    const form = button.closest('form');
    if (!form) {
      console.error('Gravity Forms: Aborting submission. Button is not connected to a form.');
      return;
    }
    if (!isActiveButton(button)) {
      console.error(`Gravity Forms: Aborting submission. Active button not found for form #${form.dataset.formid}.`);
      return;
    }
    if (!lockSubmission(form)) {
      console.error(
        `Gravity Forms: Aborting submission. Another submission is already in progress for form #${form.dataset.formid}.`,
      );
      return;
    }
    await submitForm(form, button.dataset.submissionType || SUBMIT, getSubmissionMethod(form));
  };

  gform.submission = { handleButtonClick, submitForm, getSubmissionMethod, lockSubmission, unlockSubmission };

  // A submit event reaching the form means a customized button bypassed handleButtonClick (or Enter was pressed).
  const guardUnsupportedFlow = (formId) => {
    const form = document.getElementById(`gform_${formId}`);
    form?.addEventListener('submit', (event) => {
      console.error(
        `Gravity Forms: Warning. Unsupported submission flow detected for form #${formId}. Please ensure the submit button has an onclick event that calls the window.gform.submission.handleButtonClick() method.`,
      );
      event.preventDefault();
      handleButtonClick(event.submitter || form.querySelector('.gform_button') || form);
    });
  };

  window.gformRemoveSpinner = (uniqId = 'gform-ajax-spinner') => {
    for (const spinner of document.querySelectorAll(`[data-js-spinner-id="${uniqId}"]`)) spinner.remove();
  };

  let spinnerInitialized = false;
  window.gformInitSpinner = (_formId) => {
    if (spinnerInitialized) return;
    spinnerInitialized = true;
    gform.utils.addFilter(
      'gform/submission/pre_submission',
      (data) => {
        const button = document.getElementById(`gform_submit_button_${data.form.dataset.formid}`);
        button?.insertAdjacentHTML(
          'afterend',
          '<span data-js-spinner-id="gform-ajax-spinner" class="gform-loader"></span>',
        );
        return data;
      },
      3,
    );
  };

  /**
   * The load handler of the hidden iframe (form_display.php's inline script). A real postback is served as
   * text/html; the stand-in back end serves its `reply` with a JSON content type, which the frame shows as text, so
   * that text is parsed as the document it is. What is done with it is Gravity's: form again (validation errors) or
   * confirmation, replacing the wrapper.
   */
  window.gformAjaxPostback = (formId) => {
    const frame = document.getElementById(`gform_ajax_frame_${formId}`);
    frame?.addEventListener('load', () => {
      const frameDocument = frame.contentDocument;
      const shown = frameDocument?.querySelector('pre');
      const postback = shown ? new DOMParser().parseFromString(shown.textContent, 'text/html') : frameDocument;
      const contents = postback?.documentElement?.innerHTML || '';
      if (contents.indexOf('GF_AJAX_POSTBACK') < 0) return;
      const wrapper = document.getElementById(`gform_wrapper_${formId}`);
      const formContent = postback.getElementById(`gform_wrapper_${formId}`);
      const isConfirmation = !!postback.getElementById(`gform_confirmation_wrapper_${formId}`);
      const isRedirect = contents.indexOf('gformRedirect(){') >= 0;
      if (formContent && !isRedirect && !isConfirmation) {
        wrapper.innerHTML = formContent.innerHTML;
        window[`gf_submitting_${formId}`] = false;
      } else if (!isRedirect) {
        const confirmation = postback.querySelector('.GF_AJAX_POSTBACK')?.innerHTML || contents;
        wrapper.outerHTML = confirmation;
        document.dispatchEvent(new CustomEvent('gform_confirmation_loaded', { detail: [formId] }));
        window[`gf_submitting_${formId}`] = false;
      }
    });
  };

  window.gformInitForm = (formId) => {
    guardUnsupportedFlow(formId);
  };
})();

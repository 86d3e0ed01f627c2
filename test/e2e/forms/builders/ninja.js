/*
 * Ninja Forms 3's front end, rewritten in plain browser JS (no Backbone/Marionette/jQuery) from
 * assets/js/front-end/ of Ninja Forms 3.2.9 (mirrored publicly in ywatt/ninja-forms at 20c048c): main.js (on
 * document ready, a mainLayout view per entry of nfForms), views/mainLayout.js, formLayout.js (an nf-section whose
 * content is unwrapped into .nf-form-layout; hide() hides it), beforeFormContent.js, fieldCollection.js
 * (nf-fields-wrap), fieldLayout.js (nf-field), fieldItem.js (the wrap template, unwrapped; its events:
 * change/keyup/click on .nf-element) and its template helpers, afterFormContent.js and honeyPot.js;
 * controllers/changeField.js (a field's model takes the element's value on change), submitButton.js (a click on
 * the submit field requests the submit; before:submit disables it and shows the processing label, the response
 * resets it), validateRequired.js, submit.js (formData JSON posted with jQuery.ajax as action=nf_ajax_submit,
 * security=nfFrontEnd.ajaxNonce, formData), coreSubmitResponse.js (clear_complete resets the fields to the loaded
 * ones, hide_complete hides the form layout) and actionSuccess.js (the success message into .nf-response-msg,
 * shown). Templates are the page's <script type="text/template"> blocks, compiled like wp.template (underscore's
 * template with <# #>, {{{ }}} and {{ }}, variable `data`).
 */
(() => {
  const compiled = {};
  const escapeHtml = (value) => String(value ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

  /** wp.template: underscore's _.template with WordPress' delimiters. */
  const template = (id) => {
    if (!compiled[id]) {
      const source = document.getElementById(`tmpl-${id}`).innerHTML;
      let code = "let __t, __p = '';\n";
      let index = 0;
      source.replace(
        /<#([\s\S]+?)#>|\{\{\{([\s\S]+?)\}\}\}|\{\{([^}]+?)\}\}(?!\})/g,
        (match, evaluate, raw, escaped, at) => {
          code += `__p += ${JSON.stringify(source.slice(index, at))};\n`;
          if (evaluate) code += `${evaluate}\n`;
          else if (raw) code += `__p += ((__t = (${raw})) == null ? '' : __t);\n`;
          else code += `__p += __e(${escaped});\n`;
          index = at + match.length;
          return match;
        },
      );
      code += `__p += ${JSON.stringify(source.slice(index))};\nreturn __p;`;
      const render = new Function('data', '__e', code);
      compiled[id] = (data) => render(data, escapeHtml);
    }
    return compiled[id];
  };

  const fromHtml = (tag, html) => {
    const element = document.createElement(tag);
    element.innerHTML = html;
    return element;
  };

  /** Marionette's onRender unwrap: the view's element is replaced by its children. */
  const unwrap = (element, into) => {
    const children = [...element.children];
    into.replaceChildren(...children);
    return children[0];
  };

  const mount = (formData) => {
    const formId = formData.id;
    const settings = formData.settings;
    const loadedFields = formData.fields.map((field) => ({ ...field }));
    let fields = loadedFields.map((field) => ({ ...field, formID: formId, classes: 'ninja-forms-field' }));
    const channel = document.createElement('div'); // the form's radio channel

    const fieldHelpers = (field) => ({
      ...field,
      renderElement() {
        const found = this.element_templates.find((name) => document.getElementById(`tmpl-nf-field-${name}`));
        return template(`nf-field-${found}`)(this);
      },
      renderLabel() {
        return template('nf-field-label')(this);
      },
      renderLabelClasses() {
        return '';
      },
      renderPlaceholder() {
        const placeholder = this.placeholder;
        return placeholder ? `placeholder="${placeholder}"` : '';
      },
      renderWrapClass() {
        let wrapClass = `field-wrap ${this.type}-wrap`;
        if (this.type !== this.parentType) wrapClass = `${wrapClass} ${this.parentType}-wrap`;
        return wrapClass;
      },
      renderClasses() {
        let classes = this.classes;
        if (this.error) classes += ' nf-error';
        if (this.element_class && this.element_class.trim().length > 0) classes += ` ${this.element_class}`;
        return classes;
      },
      renderContainerClass() {
        let containerClass = ` label-${this.label_pos} `;
        if (this.container_class && this.container_class.trim().length > 0)
          containerClass += `${this.container_class} `;
        if (this.type !== this.parentType) containerClass += ` ${this.parentType}-container`;
        return containerClass;
      },
      maybeDisabled() {
        return Number(this.disable_input) === 1 ? 'disabled' : '';
      },
      maybeDisableAutocomplete() {
        return Number(this.disable_browser_autocomplete) === 1 ? 'autocomplete="off"' : '';
      },
      maybeInputLimit() {
        return this.input_limit ? `maxlength="${this.input_limit}"` : '';
      },
      maybeRenderHelp() {
        return '';
      },
      renderDescText() {
        return '';
      },
    });

    /** views/fieldLayout.js: an nf-field with the before, field (fieldItem, unwrapped) and after regions. */
    const renderField = (field) => {
      const data = fieldHelpers(field);
      const nfField = fromHtml('nf-field', template('nf-field-layout')(data));
      nfField
        .querySelector('.nf-before-field')
        .replaceChildren(fromHtml('nf-section', template('nf-field-before')(data)));
      const item = fromHtml('div', template(`nf-field-${field.wrap_template}`)(data));
      const wrap = unwrap(item, nfField.querySelector('.nf-field'));
      nfField
        .querySelector('.nf-after-field')
        .replaceChildren(fromHtml('nf-section', template('nf-field-after')(data)));
      // fieldItem's events, delegated from its element.
      wrap.addEventListener('change', (event) => {
        if (!event.target.closest('.nf-element')) return;
        field.value = event.target.value; // controllers/changeField.js: the model takes the element's value
      });
      wrap.addEventListener('keyup', (event) => {
        if (event.target.closest('.nf-element') && field.error && event.target.value) removeError(field);
      });
      wrap.addEventListener('click', (event) => {
        if (event.target.closest('.nf-element') && field.type === 'submit') submit();
      });
      field.element = nfField;
      return nfField;
    };

    const reRender = (field) => {
      const previous = field.element;
      previous.replaceWith(renderField(field));
    };

    const cont = document.getElementById(`nf-form-${formId}-cont`);
    const layoutData = { id: formId, settings, ...settings };
    cont.innerHTML = template('nf-layout')(layoutData);
    cont
      .querySelector('.nf-before-form')
      .replaceChildren(fromHtml('nf-section', template('nf-before-form')(layoutData)));
    cont.querySelector('.nf-after-form').replaceChildren(fromHtml('nf-section', template('nf-after-form')(layoutData)));
    const formLayout = unwrap(
      fromHtml('nf-section', template('nf-form-layout')(layoutData)),
      cont.querySelector('.nf-form-layout'),
    );
    const beforeFields = {
      ...layoutData,
      fields,
      renderFieldsMarkedRequired() {
        return this.fields.some((field) => Number(field.required) === 1) ? this.fieldsMarkedRequired : '';
      },
    };
    formLayout
      .querySelector('.nf-before-form-content')
      .replaceChildren(fromHtml('nf-section', template('nf-before-fields')(beforeFields)));
    const fieldsWrap = document.createElement('nf-fields-wrap');
    const renderFields = () => fieldsWrap.replaceChildren(...fields.map(renderField));
    renderFields();
    formLayout.querySelector('.nf-form-content').replaceChildren(fieldsWrap);
    const afterFields = fromHtml('nf-section', template('nf-after-fields')(layoutData));
    afterFields
      .querySelector('.nf-form-hp')
      .replaceChildren(fromHtml('nf-section', template('nf-form-hp')(layoutData)));
    formLayout.querySelector('.nf-after-form-content').replaceChildren(afterFields);

    const showError = (field, msg) => {
      field.error = true;
      field.element.querySelector('.nf-error-wrap.nf-error').innerHTML = template('nf-field-error')({
        id: field.id,
        msg,
      });
      field.element.querySelector('.nf-element')?.setAttribute('aria-invalid', 'true');
    };
    const removeError = (field) => {
      field.error = false;
      field.element.querySelector('.nf-error-wrap.nf-error').innerHTML = '';
      field.element.querySelector('.nf-element')?.setAttribute('aria-invalid', 'false');
    };

    const submitField = () => fields.find((field) => field.type === 'submit');

    /** controllers/submit.js */
    const submit = () => {
      // before:submit: the submit button is disabled and shows its processing label (submitButton.js).
      const button = submitField();
      button.disabled = true;
      button.oldLabel = button.label;
      button.label = button.processing_label;
      reRender(button);
      // maybe:validate: validateRequired.js on every field.
      let blocking = 0;
      for (const field of fields) {
        if (field.type === 'submit') continue;
        if (Number(field.required) === 1 && !String(field.value ?? '').trim()) {
          showError(field, settings.validateRequiredField);
          blocking++;
        } else if (field.type === 'email' && field.value && !/^.+@.+\..+$/.test(field.value)) {
          showError(field, settings.changeEmailErrorMsg);
          blocking++;
        } else if (field.error) {
          removeError(field);
        }
      }
      if (blocking) {
        resetLabel();
        return false;
      }
      const submitted = {};
      for (const field of fields) submitted[field.id] = { value: field.value, id: field.id };
      const { formContentData: _layout, ...sentSettings } = settings;
      const formDataJson = JSON.stringify({ id: formId, fields: submitted, settings: sentSettings, extra: {} });
      const body = new URLSearchParams({
        action: 'nf_ajax_submit',
        security: window.nfFrontEnd.ajaxNonce,
        formData: formDataJson,
      });
      const xhr = new XMLHttpRequest();
      xhr.open('POST', window.nfFrontEnd.adminAjax);
      xhr.setRequestHeader('Content-Type', 'application/x-www-form-urlencoded; charset=UTF-8');
      xhr.setRequestHeader('X-Requested-With', 'XMLHttpRequest');
      xhr.onload = () => {
        try {
          onResponse(JSON.parse(xhr.responseText));
        } catch (e) {
          console.log(e);
          console.log('Parse Error');
        }
      };
      xhr.onerror = () => {
        console.log('ERRORS: error');
        resetLabel();
      };
      xhr.send(body);
    };

    const resetLabel = () => {
      const button = submitField();
      if (typeof button.oldLabel !== 'undefined') button.label = button.oldLabel;
      button.disabled = false;
      reRender(button);
    };

    const onResponse = (response) => {
      channel.dispatchEvent(new CustomEvent('submit:response', { detail: response }));
      resetLabel();
      if (Object.keys(response.errors || {}).length !== 0) return;
      // coreSubmitResponse.js
      if (Number(response.data.settings.clear_complete) === 1) {
        fields = loadedFields.map((field) => ({ ...field, formID: formId, classes: 'ninja-forms-field' }));
        renderFields();
      }
      if (Number(response.data.settings.hide_complete) === 1) formLayout.style.display = 'none';
      // actionSuccess.js
      const message = response.data.actions?.success_message;
      if (typeof message !== 'undefined' && message !== '') {
        const successMessage = cont.querySelector('.nf-response-msg');
        successMessage.innerHTML = message;
        successMessage.style.display = 'block';
      }
    };
  };

  const start = () => {
    if (typeof window.nfForms === 'undefined') {
      for (const cont of document.querySelectorAll('.nf-form-cont')) cont.replaceChildren();
      return;
    }
    for (const form of window.nfForms) mount(form);
  };

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();

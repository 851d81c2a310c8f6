// appset-render renders an ApplicationSet's Application template for each parameter set the
// way Argo CD's ApplicationSet controller does in goTemplate mode (applicationset/utils
// Render.deeplyReplace + Replace): every string value and every map key of the template,
// including the JSON inside helm.valuesObject, is parsed on its own with Go's text/template,
// the goTemplateOptions (e.g. missingkey=error) are applied, and it is executed with the
// generator's parameters. Unlike Argo it registers no sprig functions, so a template that
// renders here renders identically there (sprig only adds functions); one using sprig fails.
//
// stdin:  {"template": {...}, "options": ["missingkey=error"], "params": [{...}, ...]}
// stdout: [rendered template, ...]; on a template error: exit 1 with the error on stderr.
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"text/template"
)

type request struct {
	Template any              `json:"template"`
	Options  []string         `json:"options"`
	Params   []map[string]any `json:"params"`
}

func replace(s string, params map[string]any, options []string) (string, error) {
	t, err := template.New("").Parse(s)
	if err != nil {
		return "", fmt.Errorf("failed to parse template %s: %w", s, err)
	}
	for _, option := range options {
		t = t.Option(option)
	}
	var out bytes.Buffer
	if err := t.Execute(&out, params); err != nil {
		return "", fmt.Errorf("failed to execute go template %s: %w", s, err)
	}
	return out.String(), nil
}

func deeplyReplace(v any, params map[string]any, options []string) (any, error) {
	switch value := v.(type) {
	case string:
		return replace(value, params, options)
	case []any:
		out := make([]any, len(value))
		for i, item := range value {
			r, err := deeplyReplace(item, params, options)
			if err != nil {
				return nil, err
			}
			out[i] = r
		}
		return out, nil
	case map[string]any:
		out := make(map[string]any, len(value))
		for key, item := range value {
			if item == nil {
				continue
			}
			r, err := deeplyReplace(item, params, options)
			if err != nil {
				return nil, err
			}
			k, err := replace(key, params, options)
			if err != nil {
				return nil, err
			}
			out[k] = r
		}
		return out, nil
	default:
		return value, nil
	}
}

func main() {
	var req request
	if err := json.NewDecoder(os.Stdin).Decode(&req); err != nil {
		fmt.Fprintln(os.Stderr, "bad request:", err)
		os.Exit(2)
	}
	rendered := make([]any, 0, len(req.Params))
	for _, params := range req.Params {
		r, err := deeplyReplace(req.Template, params, req.Options)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		rendered = append(rendered, r)
	}
	if err := json.NewEncoder(os.Stdout).Encode(rendered); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
}

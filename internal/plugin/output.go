/*
Copyright 2026 The union-operator Authors.

Licensed under the Apache License, Version 2.0 (the "License");
you may not use this file except in compliance with the License.
You may obtain a copy of the License at

    http://www.apache.org/licenses/LICENSE-2.0

Unless required by applicable law or agreed to in writing, software
distributed under the License is distributed on an "AS IS" BASIS,
WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
See the License for the specific language governing permissions and
limitations under the License.
*/

package plugin

import (
	"fmt"
	"io"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/cli-runtime/pkg/genericclioptions"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/apiutil"
)

// output is the -o flag of the commands that list objects: empty for the
// command's own rendering, json or yaml for the objects themselves, printed
// by kubectl's printers as kubectl get -o prints a List.
type output struct {
	format string
	flags  *genericclioptions.JSONYamlPrintFlags
}

func newOutput() *output { return &output{flags: genericclioptions.NewJSONYamlPrintFlags()} }

// validate refuses a format the printers do not know before any request.
func (o *output) validate() error {
	if o.format == "" {
		return nil
	}
	_, err := o.flags.ToPrinter(o.format)
	if err != nil {
		return fmt.Errorf("unknown output format %q: allowed formats are %v", o.format, o.flags.AllowedFormats())
	}
	return nil
}

// print writes objs as a v1 List, without their managedFields (as kubectl
// get shows them by default).
func (o *output) print(w io.Writer, objs []client.Object) error {
	printer, err := o.flags.ToPrinter(o.format)
	if err != nil {
		return err
	}
	list := &metav1.List{TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "List"}, Items: []runtime.RawExtension{}}
	scheme := Scheme()
	for _, obj := range objs {
		obj = obj.DeepCopyObject().(client.Object)
		gvk, err := apiutil.GVKForObject(obj, scheme)
		if err != nil {
			return err
		}
		obj.GetObjectKind().SetGroupVersionKind(gvk)
		obj.SetManagedFields(nil)
		list.Items = append(list.Items, runtime.RawExtension{Object: obj})
	}
	return printer.PrintObj(list, w)
}

// objects are the unions as objects, in the order the status table lists them.
func (u Unions) objects() []client.Object {
	var out []client.Object
	for _, c := range sortedByName(u.Coalitions) {
		out = append(out, &c)
	}
	for _, a := range sortedByName(u.Alliances) {
		out = append(out, &a)
	}
	for _, f := range sortedByName(u.Federations) {
		out = append(out, &f)
	}
	return out
}

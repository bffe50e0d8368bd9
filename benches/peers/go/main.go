// The load test's greeter with the official Go SDK behind net/http, as in the SDK docs.
// Same function as ours: read the argument as a string, seen = seen + 1.
// Serves 127.0.0.1:$PORT at /statefun.
package main

import (
	"fmt"
	"net/http"
	"os"

	"github.com/apache/flink-statefun/statefun-sdk-go/v3/pkg/statefun"
)

var seen = statefun.ValueSpec{Name: "seen", ValueType: statefun.Int32Type}

func greeter(ctx statefun.Context, message statefun.Message) error {
	if !message.Is(statefun.StringType) {
		return fmt.Errorf("unexpected message type %s", message.ValueTypeName())
	}
	var name string
	if err := message.As(statefun.StringType, &name); err != nil {
		return err
	}
	var count int32
	ctx.Storage().Get(seen, &count)
	ctx.Storage().Set(seen, count+1)
	return nil
}

func main() {
	builder := statefun.StatefulFunctionsBuilder()
	if err := builder.WithSpec(statefun.StatefulFunctionSpec{
		FunctionType: statefun.TypeNameFrom("demo/greeter"),
		States:       []statefun.ValueSpec{seen},
		Function:     statefun.StatefulFunctionPointer(greeter),
	}); err != nil {
		panic(err)
	}
	port := os.Getenv("PORT")
	if port == "" {
		port = "8004"
	}
	http.Handle("/statefun", builder.AsHandler())
	if err := http.ListenAndServe("127.0.0.1:"+port, nil); err != nil {
		panic(err)
	}
}

module hello-operator/bench

go 1.26

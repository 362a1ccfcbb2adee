module hello-operator/pause

go 1.24

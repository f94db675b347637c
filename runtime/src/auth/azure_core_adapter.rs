//! PLACEHOLDER: being written (auth helper). Replace this whole file.

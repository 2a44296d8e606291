export { Alert, type AlertTone } from './alert';
export { Badge, type BadgeTone } from './badge';
export { Button, type ButtonProps, type ButtonVariant } from './button';
export { Card } from './card';
export { TextArea, TextField } from './field';
